/**
 * Lookups per second against the shipped default data (DB-IP Country Lite and the ip-location-db
 * ASN ranges, with the shipped hosting list), through the same path the consumer and the HTTP
 * route use (classification + maxmind + ASN table + mapping).
 *
 *   pnpm --filter @account-security/ip-checker bench:lookups [-- --count 200000]
 *   (or: npx tsx apps/ip-checker/scripts/bench-lookups.ts --count 200000)
 *
 * "cold" is a freshly opened database with an empty record cache answering addresses it has
 * never seen; "cached" is the same addresses again; "hot set" is a small set of addresses asked
 * over and over, as with a busy game server's recurring players.
 */
import { createLogger } from '@account-security/shared';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_ASN_DATABASE,
  DEFAULT_DATABASE,
  defaultAsnDatabase,
  defaultDatabasePath,
} from '../src/data-access/default-database';
import { openGeoIp } from '../src/data-access/geoip';
import { DEFAULT_HOSTING_ASNS_PATH, loadHostingAsns } from '../src/data-access/hosting-asns';
import { resolveGeo } from '../src/domain/resolve-geo';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

/** A seeded generator, so runs compare the same addresses. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addresses(count: number, seed: number): string[] {
  const rand = mulberry32(seed);
  const byte = () => Math.floor(rand() * 256);
  const group = () => Math.floor(rand() * 65536).toString(16);
  return Array.from({ length: count }, (_, i) =>
    // One in five IPv6, within 2000::/4 where the allocations are.
    i % 5 === 4
      ? `2${Math.floor(rand() * 4096)
          .toString(16)
          .padStart(3, '0')}:${group()}:${group()}::${group()}`
      : `${1 + Math.floor(rand() * 222)}.${byte()}.${byte()}.${byte()}`,
  );
}

function run(label: string, ips: string[], lookup: (ip: string) => unknown): void {
  const t0 = process.hrtime.bigint();
  let found = 0;
  for (const ip of ips) if (lookup(ip) !== null) found++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = Math.round(ips.length / seconds).toLocaleString('en-US');
  console.log(
    `${label.padEnd(52)} ${rate.padStart(12)} lookups/s  (${ips.length.toLocaleString('en-US')} in ${(seconds * 1000).toFixed(0)} ms, ${found} answered)`,
  );
}

async function main() {
  const count = arg('count', 200_000);
  const cacheSize = arg('cache', 10_000);
  const ips = addresses(count, 42);
  const hotSet = addresses(1_000, 7);
  const hot = Array.from({ length: count }, (_, i) => hotSet[i % hotSet.length]!);
  const logger = createLogger('bench', 'silent');
  const shipped = defaultAsnDatabase();
  const hosting = loadHostingAsns(DEFAULT_HOSTING_ASNS_PATH);
  const open = () =>
    openGeoIp({
      country: { path: defaultDatabasePath(), label: DEFAULT_DATABASE.label },
      asn: {
        format: 'csv',
        paths: shipped.paths,
        label: DEFAULT_ASN_DATABASE.label,
        buildDate: shipped.buildDate,
        cacheKey: `${DEFAULT_ASN_DATABASE.packageName}@${shipped.version}`,
      },
      hosting,
      asnCacheDir: join(tmpdir(), 'ip-checker-asn-cache'),
      cacheSize,
      logger,
    });

  const geoip = await open();
  console.log(`database: ${geoip.database()} (${geoip.status().country.path}), record cache: ${cacheSize}`);
  console.log(`node ${process.version}, ${count.toLocaleString('en-US')} addresses (80% IPv4, 20% IPv6)\n`);

  run('resolveGeo, cold (fresh database, unseen addresses)', ips, (ip) => resolveGeo(ip, geoip).country);
  run('resolveGeo, cached (same addresses again)', ips, (ip) => resolveGeo(ip, geoip).country);
  run('resolveGeo, hot set (1,000 addresses repeated)', hot, (ip) => resolveGeo(ip, geoip).country);
  geoip.close();

  const fresh = await open();
  run(
    'lookup only, cold (no classification or mapping)',
    ips,
    (ip) => fresh.lookup(ip, ip.includes(':') ? 6 : 4).country,
  );
  run('lookup only, cached', ips, (ip) => fresh.lookup(ip, ip.includes(':') ? 6 : 4).country);
  fresh.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

import type { Logger } from '@account-security/shared';
import type { GeoDatabase } from '../domain/resolve-geo';
import { openAsnCsvFile } from './asn-csv-file';
import type { HostingAsns } from './hosting-asns';
import { openMmdbFile } from './mmdb-file';
import type { GeoDataFile, GeoDataFileStatus } from './watched-file';

/**
 * The ASN data: an mmdb file (MaxMind GeoLite2-ASN or a free one in the same format), or CSV
 * files of ranges (the shipped ip-location-db data, or a deployment's own).
 */
export type AsnSource =
  | { format: 'mmdb'; path: string }
  | {
      format: 'csv';
      paths: [string, ...string[]];
      label?: string;
      buildDate?: string;
      /** Added to the compiled table's cache key. */
      cacheKey?: string;
    };

export interface GeoIpOptions {
  country: { path: string; label?: string; attribution?: string };
  asn?: AsnSource & { attribution?: string };
  /** The ASNs of hosting, cloud, VPN and proxy providers (`network: hosting`). */
  hosting: HostingAsns;
  cacheSize: number;
  /** Where compiled ASN CSV tables are kept between starts; none when unset. */
  asnCacheDir?: string;
  watchIntervalMs?: number;
  logger: Logger;
}

export interface GeoIpStatus {
  database: string;
  attribution?: string;
  country: GeoDataFileStatus;
  asn?: GeoDataFileStatus;
  hosting: { path: string; asns: number };
}

/** The GeoIP port's implementation: the country database, the ASN data and the hosting list. */
export interface GeoIp extends GeoDatabase {
  status(): GeoIpStatus;
  close(): void;
}

/** `GEOIP_ASN_DB_PATH`'s format, by its extension: `.csv` is CSV, anything else mmdb. */
export function asnSourceOf(path: string): AsnSource {
  return /\.csv$/i.test(path) ? { format: 'csv', paths: [path] } : { format: 'mmdb', path };
}

function openAsn(source: AsnSource, opts: GeoIpOptions): Promise<GeoDataFile> {
  const watch = { watchIntervalMs: opts.watchIntervalMs, logger: opts.logger };
  if (source.format === 'mmdb') return openMmdbFile(source.path, { ...watch, cacheSize: opts.cacheSize });
  return openAsnCsvFile(source.paths, {
    ...watch,
    label: source.label,
    buildDate: source.buildDate,
    cacheKey: source.cacheKey,
    cacheDir: opts.asnCacheDir,
  });
}

export async function openGeoIp(opts: GeoIpOptions): Promise<GeoIp> {
  const country = await openMmdbFile(opts.country.path, {
    cacheSize: opts.cacheSize,
    watchIntervalMs: opts.watchIntervalMs,
    logger: opts.logger,
    label: opts.country.label,
  });
  let asn: GeoDataFile | undefined;
  try {
    if (opts.asn) asn = await openAsn(opts.asn, opts);
  } catch (err) {
    country.close();
    throw err;
  }
  const join = (countryName: string, asnName?: string) =>
    asnName ? `${countryName}, ${asnName}` : countryName;
  const attribution = [opts.country.attribution, opts.asn?.attribution].filter(Boolean).join('; ');

  return {
    lookup(address, family) {
      const c = country.lookup(address, family);
      const a = asn?.lookup(address, family);
      return { country: c.record, asn: a?.record ?? null, database: join(c.name, a?.name) };
    },
    isHosting: (n) => opts.hosting.has(n),
    database: () => join(country.name(), asn?.name()),
    status: () => ({
      database: join(country.name(), asn?.name()),
      ...(attribution ? { attribution } : {}),
      country: country.status(),
      ...(asn ? { asn: asn.status() } : {}),
      hosting: { path: opts.hosting.path, asns: opts.hosting.size },
    }),
    close() {
      country.close();
      asn?.close();
    },
  };
}

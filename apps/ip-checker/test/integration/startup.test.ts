import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '@account-security/shared';
import { testEnv } from '@account-security/shared/testing';
import { start } from '../../src/main';
import { TempDir, tempDir } from '../support/fixtures';

const exec = promisify(execFile);
const ROOT = join(__dirname, '../../../..');

/** Start-up must fail before touching the broker, so no vhost is needed: nothing listens at this URL. */
const UNUSED_BROKER = 'amqp://guest:guest@127.0.0.1:1';

async function startError(env: Record<string, string>): Promise<unknown> {
  return start(testEnv({ AMQP_URL: UNUSED_BROKER, ...env })).then(
    async (svc) => {
      await svc.stop();
      throw new Error('the service started');
    },
    (err: unknown) => err,
  );
}

describe('ip-checker start-up', () => {
  let dir: TempDir;
  beforeAll(() => {
    dir = tempDir('startup');
  });
  afterAll(() => dir.remove());

  test('when GEOIP_DB_PATH names a missing file, then start-up stops with one clear line naming the variable and the path', async () => {
    const err = await startError({ GEOIP_DB_PATH: '/nonexistent/GeoLite2-Country.mmdb' });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      'configuration error: GEOIP_DB_PATH is invalid: cannot open GeoIP database /nonexistent/GeoLite2-Country.mmdb: no such file',
    );
  });

  test('when the service-prefixed IP_CHECKER_GEOIP_DB_PATH names a missing file, then it is the one used and reported', async () => {
    const err = await startError({
      GEOIP_DB_PATH: '/also/missing.mmdb',
      IP_CHECKER_GEOIP_DB_PATH: '/prefixed/missing.mmdb',
    });
    expect((err as Error).message).toMatch(
      /^configuration error: GEOIP_DB_PATH is invalid: .*\/prefixed\/missing\.mmdb: no such file$/,
    );
  });

  test('when GEOIP_DB_PATH is not a MaxMind database, then start-up stops naming the variable', async () => {
    writeFileSync(dir.file('notes.txt'), 'not a database');
    const err = await startError({ GEOIP_DB_PATH: dir.file('notes.txt') });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(
      /^configuration error: GEOIP_DB_PATH is invalid: .*notes\.txt: not a readable MaxMind DB file/,
    );
  });

  test('when GEOIP_ASN_DB_PATH names a missing file, then start-up stops naming that variable', async () => {
    const err = await startError({ GEOIP_ASN_DB_PATH: '/nonexistent/GeoLite2-ASN.mmdb' });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(
      /^configuration error: GEOIP_ASN_DB_PATH is invalid: .*GeoLite2-ASN\.mmdb: no such file$/,
    );
  });

  test('when GEOIP_ASN_DB_PATH is a CSV file with a bad row, then start-up stops naming the variable and the line', async () => {
    writeFileSync(dir.file('asn.csv'), '1.2.3.0,1.2.3.255,4766,Korea Telecom\n1.2.3.0,banana,1,x\n');
    const err = await startError({ GEOIP_ASN_DB_PATH: dir.file('asn.csv') });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(
      /^configuration error: GEOIP_ASN_DB_PATH is invalid: .*asn\.csv: not an ASN CSV file \(line 2: "banana" is neither an IP address nor a number\)$/,
    );
  });

  test('when HOSTING_ASNS_PATH names a missing file, then start-up stops naming that variable', async () => {
    const err = await startError({ HOSTING_ASNS_PATH: '/nonexistent/hosting.json' });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      'configuration error: HOSTING_ASNS_PATH is invalid: cannot read the hosting ASN list /nonexistent/hosting.json: no such file',
    );
  });

  test('when HOSTING_ASNS_PATH names a list with a bad entry, then start-up stops naming the entry', async () => {
    writeFileSync(dir.file('hosting.json'), JSON.stringify({ entries: [{ asn: 'AS16509' }] }));
    const err = await startError({ HOSTING_ASNS_PATH: dir.file('hosting.json') });
    expect((err as Error).message).toMatch(
      /^configuration error: HOSTING_ASNS_PATH is invalid: .*entries\.0\.asn: /,
    );
  });

  test('when GEOIP_CACHE_SIZE is not a positive number, then start-up stops naming it', async () => {
    const err = await startError({ GEOIP_CACHE_SIZE: '0' });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^configuration error: GEOIP_CACHE_SIZE is invalid/);
  });

  test('when the process is started with a missing GEOIP_DB_PATH file, then it exits with code 1 and that one line on stderr', async () => {
    const result = await exec(join(ROOT, 'node_modules/.bin/tsx'), ['apps/ip-checker/src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        AMQP_URL: UNUSED_BROKER,
        GEOIP_DB_PATH: '/nonexistent/geo.mmdb',
        LOG_LEVEL: 'silent',
      },
      timeout: 30000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'ip-checker: configuration error: GEOIP_DB_PATH is invalid: cannot open GeoIP database /nonexistent/geo.mmdb: no such file\n',
    );
  });
});

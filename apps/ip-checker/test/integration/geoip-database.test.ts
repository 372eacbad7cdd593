import { chmodSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@account-security/shared';
import { waitUntil } from '@account-security/shared/testing';
import { AsnTable } from '../../src/data-access/asn-table';
import {
  DEFAULT_ASN_DATABASE,
  DEFAULT_DATABASE,
  defaultAsnDatabase,
  defaultDatabasePath,
} from '../../src/data-access/default-database';
import { GeoIp, asnSourceOf, openGeoIp } from '../../src/data-access/geoip';
import { DEFAULT_HOSTING_ASNS_PATH, loadHostingAsns } from '../../src/data-access/hosting-asns';
import { GeoDataFileError } from '../../src/data-access/watched-file';
import { resolveGeo } from '../../src/domain/resolve-geo';
import {
  TempDir,
  flatCountryDb,
  hostingAsns,
  maxmindAsnDb,
  maxmindCountryDb,
  singleCountryDb,
  tempDir,
} from '../support/fixtures';
import { replaceMmdb, writeMmdb } from '../support/mmdb-writer';

const logger = createLogger('ip-checker-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const open = (path: string, extra: Partial<Parameters<typeof openGeoIp>[0]> = {}) =>
  openGeoIp({ country: { path }, hosting: hostingAsns(15169), cacheSize: 100, logger, ...extra });

describe('the GeoIP database files', () => {
  let dir: TempDir;
  const opened: GeoIp[] = [];
  const track = (g: GeoIp) => (opened.push(g), g);

  beforeAll(() => {
    dir = tempDir('geoip');
  });
  afterAll(() => {
    opened.forEach((g) => g.close());
    dir.remove();
  });

  describe('with a MaxMind-shaped country database', () => {
    let geoip: GeoIp;
    beforeAll(async () => {
      writeMmdb(dir.file('maxmind.mmdb'), maxmindCountryDb());
      geoip = track(await open(dir.file('maxmind.mmdb')));
    });

    test.each([
      ['1.2.3.4', 'KR', 'AS'],
      ['211.234.10.20', 'KR', 'AS'],
      ['8.8.8.8', 'US', 'NA'],
      ['133.1.2.3', 'JP', 'AS'],
      ['2001:e60::1', 'KR', 'AS'],
      ['2001:4860:4860::8888', 'US', 'NA'],
      ['2400:4000::1', 'JP', 'AS'],
      ['::ffff:1.2.3.4', 'KR', 'AS'],
      ['::ffff:8.8.8.8', 'US', 'NA'],
    ])('when %s is resolved, then the country is %s', (ip, country, continent) => {
      expect(resolveGeo(ip, geoip)).toEqual({
        country,
        continent,
        network: 'other',
        database: 'GeoLite2-Country 2026-05-26',
      });
    });

    test('when MaxMind knows only the registration of a range, then registered_country is used', () => {
      expect(resolveGeo('5.6.7.8', geoip).country).toBe('DE');
    });

    test.each([
      ['10.1.2.3', 'private'],
      ['127.0.0.1', 'private'],
      ['169.254.0.1', 'private'],
      ['100.64.0.1', 'private'],
      ['fd00::1', 'private'],
      ['::ffff:192.168.1.1', 'private'],
      ['192.0.2.1', 'reserved'],
      ['240.0.0.1', 'reserved'],
      ['2001:db8::1', 'reserved'],
      ['9.9.9.9', 'not_found'],
      ['2a00::1', 'not_found'],
    ])('when %s is resolved, then the country is null with reason %s', (ip, reason) => {
      expect(resolveGeo(ip, geoip)).toEqual({
        country: null,
        reason,
        // Only a public address has a network.
        ...(reason === 'not_found' ? { network: 'other' } : {}),
        database: 'GeoLite2-Country 2026-05-26',
      });
    });
  });

  describe('with a flat-shaped (DB-IP / ip-location-db) country database', () => {
    let geoip: GeoIp;
    beforeAll(async () => {
      writeMmdb(dir.file('flat.mmdb'), flatCountryDb({ recordSize: 24 }));
      geoip = track(await open(dir.file('flat.mmdb')));
    });

    test.each([
      ['1.2.3.4', 'KR'],
      ['8.8.8.8', 'US'],
      ['133.200.0.1', 'JP'],
      ['2001:e60:ffff::1', 'KR'],
      ['::ffff:133.0.0.1', 'JP'],
    ])('when %s is resolved, then country_code %s is read', (ip, country) => {
      expect(resolveGeo(ip, geoip)).toEqual({
        country,
        network: 'other',
        database: 'country ipvAll 2026-06-01',
      });
    });

    test('when the database says ZZ (unknown), then the reason is not_found', () => {
      expect(resolveGeo('7.7.7.7', geoip)).toEqual({
        country: null,
        reason: 'not_found',
        network: 'other',
        database: 'country ipvAll 2026-06-01',
      });
    });
  });

  test('when an ASN database is configured, then asn and asOrg are added and both databases are named', async () => {
    writeMmdb(dir.file('country-for-asn.mmdb'), maxmindCountryDb());
    writeMmdb(dir.file('asn.mmdb'), maxmindAsnDb());
    const geoip = track(
      await open(dir.file('country-for-asn.mmdb'), { asn: { format: 'mmdb', path: dir.file('asn.mmdb') } }),
    );
    const database = 'GeoLite2-Country 2026-05-26, GeoLite2-ASN 2026-05-27';
    expect(resolveGeo('1.2.3.4', geoip)).toEqual({
      country: 'KR',
      continent: 'AS',
      asn: 4766,
      asOrg: 'Korea Telecom',
      network: 'other',
      database,
    });
    expect(resolveGeo('8.8.8.8', geoip)).toEqual({
      country: 'US',
      continent: 'NA',
      asn: 15169,
      asOrg: 'GOOGLE',
      network: 'hosting',
      database,
    });
    expect(resolveGeo('133.0.0.1', geoip)).toEqual({
      country: 'JP',
      continent: 'AS',
      network: 'other',
      database,
    });
    expect(geoip.status()).toMatchObject({
      database,
      country: { type: 'GeoLite2-Country' },
      asn: { type: 'GeoLite2-ASN' },
    });
  });

  test('when the database is IPv4-only, then IPv6 addresses are not_found instead of misread as IPv4', async () => {
    writeMmdb(dir.file('v4.mmdb'), {
      ...flatCountryDb(),
      ipVersion: 4,
      // 2001:e60:: read as IPv4 would walk to 32.1.14.96: this range must not answer for it.
      networks: [
        { network: '32.1.0.0/16', data: { country_code: 'US' } },
        { network: '1.2.3.0/24', data: { country_code: 'KR' } },
      ],
    });
    const geoip = track(await open(dir.file('v4.mmdb')));
    expect(resolveGeo('1.2.3.4', geoip).country).toBe('KR');
    expect(resolveGeo('::ffff:1.2.3.4', geoip).country).toBe('KR');
    expect(resolveGeo('2001:e60::1', geoip)).toMatchObject({ country: null, reason: 'not_found' });
  });

  describe('when the file is replaced on disk', () => {
    test('when a new file is renamed over it, then lookups switch to the new data and its name', async () => {
      const path = dir.file('swap.mmdb');
      writeMmdb(path, singleCountryDb('KR', '2026-05-25'));
      const geoip = track(await open(path, { watchIntervalMs: 20 }));
      // Warm maxmind's record cache: a reload must not answer from it.
      expect(resolveGeo('1.2.3.4', geoip)).toEqual({
        country: 'KR',
        network: 'other',
        database: 'Test-Country 2026-05-25',
      });
      expect(resolveGeo('1.2.3.4', geoip).country).toBe('KR');

      replaceMmdb(path, singleCountryDb('JP', '2026-06-01'));
      await waitUntil(() => resolveGeo('1.2.3.4', geoip).country === 'JP', 5000, 'the new database');
      expect(resolveGeo('1.2.3.4', geoip)).toEqual({
        country: 'JP',
        network: 'other',
        database: 'Test-Country 2026-06-01',
      });
      expect(geoip.status().country).toMatchObject({ buildDate: '2026-06-01' });
      expect(geoip.status().country.reloadError).toBeUndefined();
    });

    test('when the replacement is not a valid database, then the old data stays in use, the error is reported, and a later good file is picked up', async () => {
      const path = dir.file('corrupt.mmdb');
      writeMmdb(path, singleCountryDb('KR', '2026-05-25'));
      const geoip = track(await open(path, { watchIntervalMs: 20 }));

      writeFileSync(`${path}.tmp`, 'this is not a MaxMind database');
      renameSync(`${path}.tmp`, path);
      await waitUntil(() => geoip.status().country.reloadError !== undefined, 5000, 'the failed reload');
      expect(geoip.status().country.reloadError).toMatch(/corrupt\.mmdb/);
      expect(resolveGeo('1.2.3.4', geoip)).toEqual({
        country: 'KR',
        network: 'other',
        database: 'Test-Country 2026-05-25',
      });

      replaceMmdb(path, singleCountryDb('JP', '2026-06-01'));
      await waitUntil(() => resolveGeo('1.2.3.4', geoip).country === 'JP', 5000, 'the good database');
      expect(geoip.status().country.reloadError).toBeUndefined();
    });

    test('when the file is replaced right after it was opened, then the replacement is still picked up', async () => {
      // fs.watchFile (and so maxmind's watchForUpdates) takes its first stat only after it
      // starts, so a replacement in this window became its baseline and was never loaded.
      const path = dir.file('early.mmdb');
      writeMmdb(path, singleCountryDb('KR', '2026-05-25'));
      const geoip = track(await open(path, { watchIntervalMs: 20 }));
      replaceMmdb(path, singleCountryDb('JP', '2026-06-01'));
      await waitUntil(() => resolveGeo('1.2.3.4', geoip).country === 'JP', 5000, 'the replacement');
    });

    test('when the file is deleted, then the loaded data stays in use', async () => {
      const path = dir.file('deleted.mmdb');
      writeMmdb(path, singleCountryDb('KR', '2026-05-25'));
      const geoip = track(await open(path, { watchIntervalMs: 20 }));
      rmSync(path);
      await new Promise((r) => setTimeout(r, 200));
      expect(resolveGeo('1.2.3.4', geoip)).toEqual({
        country: 'KR',
        network: 'other',
        database: 'Test-Country 2026-05-25',
      });
      expect(geoip.status().country.reloadError).toBeUndefined();
    });

    test('when the database is closed, then later replacements are no longer read', async () => {
      const path = dir.file('closed.mmdb');
      writeMmdb(path, singleCountryDb('KR', '2026-05-25'));
      const geoip = await open(path, { watchIntervalMs: 20 });
      geoip.close();
      replaceMmdb(path, singleCountryDb('JP', '2026-06-01'));
      await new Promise((r) => setTimeout(r, 200));
      expect(resolveGeo('1.2.3.4', geoip).country).toBe('KR');
    });
  });

  test.each([
    ['a missing file', () => dir.file('nope.mmdb'), /no such file/],
    ['a directory', () => dir.path, /is a directory/],
    [
      'a text file',
      () => {
        writeFileSync(dir.file('text.mmdb'), 'hello');
        return dir.file('text.mmdb');
      },
      /not a (readable )?MaxMind DB/,
    ],
  ])(
    'when the file is %s, then opening fails naming the path and the problem',
    async (_case, pathOf, problem) => {
      const path = pathOf();
      const err = await open(path).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GeoDataFileError);
      expect((err as Error).message).toContain(path);
      expect((err as Error).message).toMatch(problem);
    },
  );
});

describe('ASN data from CSV files', () => {
  let dir: TempDir;
  const opened: GeoIp[] = [];
  const track = (g: GeoIp) => (opened.push(g), g);
  const csv = (name: string, rows: string[]) => {
    writeFileSync(dir.file(name), `${rows.join('\n')}\n`);
    return dir.file(name);
  };
  /** Written beside the path and renamed over it, as an update should be. */
  const replaceCsv = (path: string, rows: string[]) => {
    writeFileSync(`${path}.tmp`, `${rows.join('\n')}\n`);
    renameSync(`${path}.tmp`, path);
  };
  const withCsv = (paths: [string, ...string[]], extra: Partial<Parameters<typeof openGeoIp>[0]> = {}) =>
    openGeoIp({
      country: { path: dir.file('country.mmdb') },
      asn: { format: 'csv', paths, label: 'Test-ASN', buildDate: '2026-06-17' },
      hosting: hostingAsns(16509),
      cacheSize: 100,
      logger,
      ...extra,
    });

  beforeAll(() => {
    dir = tempDir('asn-csv');
    writeMmdb(dir.file('country.mmdb'), maxmindCountryDb());
  });
  afterAll(() => {
    opened.forEach((g) => g.close());
    dir.remove();
  });

  test('when IPv4 and IPv6 files are given, then asn, asOrg and network come from them, at the range boundaries too', async () => {
    const v4 = csv('v4.csv', [
      '16909056,16909311,4766,Korea Telecom',
      '134744064,134744319,16509,"Amazon.com, Inc."',
    ]);
    const v6 = csv('v6.csv', [
      '42540779721613895253312700667037483008,42540779800842057767577038260581433343,4766,Korea Telecom',
    ]);
    const geoip = track(await withCsv([v4, v6]));
    const database = 'GeoLite2-Country 2026-05-26, Test-ASN 2026-06-17';
    expect(resolveGeo('1.2.3.0', geoip)).toEqual({
      country: 'KR',
      continent: 'AS',
      asn: 4766,
      asOrg: 'Korea Telecom',
      network: 'other',
      database,
    });
    expect(resolveGeo('1.2.3.255', geoip)).toMatchObject({ asn: 4766 });
    expect(resolveGeo('8.8.8.255', geoip)).toMatchObject({
      asn: 16509,
      asOrg: 'Amazon.com, Inc.',
      network: 'hosting',
    });
    expect(resolveGeo('2001:e60::1', geoip)).toMatchObject({ country: 'KR', asn: 4766, network: 'other' });
    // In the country data, not in the ASN data: a country, no AS, network other.
    expect(resolveGeo('133.0.0.1', geoip)).toEqual({
      country: 'JP',
      continent: 'AS',
      network: 'other',
      database,
    });
    expect(resolveGeo('10.0.0.1', geoip)).toEqual({ country: null, reason: 'private', database });
    expect(geoip.status().asn).toMatchObject({ type: 'Test-ASN', buildDate: '2026-06-17', ipVersion: 6 });
  });

  test('when a cache directory is given, then the compiled table is kept there and read back by the next open', async () => {
    const v4 = csv('cached.csv', ['1.2.3.0,1.2.3.255,4766,Korea Telecom']);
    const cacheDir = dir.file('cache');
    track(await withCsv([v4], { asnCacheDir: cacheDir }));
    const files = readdirSync(cacheDir);
    expect(files).toEqual([expect.stringMatching(/^asn-[0-9a-f]{32}\.bin$/)]);
    // A later open answers from the cache: with the cached table changed, it answers what the cache says.
    const cached = join(cacheDir, files[0]!);
    const changed = AsnTable.fromCsv(['1.2.3.0,1.2.3.255,64512,From the cache']).toBuffer();
    writeFileSync(cached, changed);
    const again = track(await withCsv([v4], { asnCacheDir: cacheDir }));
    expect(resolveGeo('1.2.3.4', again)).toMatchObject({ asn: 64512, asOrg: 'From the cache' });
  });

  test('when the cached table can be written by other users, then it is not trusted and the CSV is compiled again', async () => {
    const v4 = csv('shared.csv', ['1.2.3.0,1.2.3.255,4766,Korea Telecom']);
    const cacheDir = dir.file('shared-cache');
    track(await withCsv([v4], { asnCacheDir: cacheDir }));
    const [file] = readdirSync(cacheDir);
    const cached = join(cacheDir, file!);
    writeFileSync(cached, AsnTable.fromCsv(['1.2.3.0,1.2.3.255,64512,Planted']).toBuffer());
    chmodSync(cached, 0o666);
    const again = track(await withCsv([v4], { asnCacheDir: cacheDir }));
    expect(resolveGeo('1.2.3.4', again)).toMatchObject({ asn: 4766, asOrg: 'Korea Telecom' });
  });

  test('when the cached table is damaged, then the CSV is compiled again', async () => {
    const v4 = csv('damaged.csv', ['1.2.3.0,1.2.3.255,4766,Korea Telecom']);
    const cacheDir = dir.file('damaged-cache');
    track(await withCsv([v4], { asnCacheDir: cacheDir }));
    const [file] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, file!), 'garbage');
    const again = track(await withCsv([v4], { asnCacheDir: cacheDir }));
    expect(resolveGeo('1.2.3.4', again)).toMatchObject({ asn: 4766 });
  });

  test('when the CSV is replaced on disk, then lookups switch to the new data; a bad replacement keeps the old', async () => {
    const path = csv('swap.csv', ['1.2.3.0,1.2.3.255,4766,Korea Telecom']);
    const geoip = track(await withCsv([path], { watchIntervalMs: 20, asnCacheDir: dir.file('swap-cache') }));
    expect(resolveGeo('1.2.3.4', geoip)).toMatchObject({ asn: 4766, network: 'other' });

    replaceCsv(path, ['1.2.3.0,1.2.3.255,16509,"Amazon.com, Inc."']);
    await waitUntil(() => resolveGeo('1.2.3.4', geoip).asn === 16509, 5000, 'the new ASN data');
    expect(resolveGeo('1.2.3.4', geoip)).toMatchObject({ asOrg: 'Amazon.com, Inc.', network: 'hosting' });

    replaceCsv(path, ['1.2.3.0,not-an-address,1,x']);
    await waitUntil(() => geoip.status().asn?.reloadError !== undefined, 5000, 'the failed reload');
    expect(geoip.status().asn?.reloadError).toMatch(/swap\.csv: not an ASN CSV file \(line 1: /);
    expect(resolveGeo('1.2.3.4', geoip)).toMatchObject({ asn: 16509 });
  });

  test.each([
    ['a missing file', () => dir.file('nope.csv'), /nope\.csv: no such file/],
    [
      'a file with a bad row',
      () => csv('bad.csv', ['1.2.3.0,1.2.3.255,4766,ok', '1.2.3.0']),
      /bad\.csv: not an ASN CSV file \(line 2: /,
    ],
  ])(
    'when the CSV is %s, then opening fails naming the file and the problem',
    async (_case, pathOf, problem) => {
      const err = await withCsv([pathOf()]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GeoDataFileError);
      expect((err as Error).message).toMatch(problem);
    },
  );

  test('when GEOIP_ASN_DB_PATH ends in .csv, then it is read as CSV, else as mmdb', () => {
    expect(asnSourceOf('/data/asn.CSV')).toEqual({ format: 'csv', paths: ['/data/asn.CSV'] });
    expect(asnSourceOf('/data/GeoLite2-ASN.mmdb')).toEqual({
      format: 'mmdb',
      path: '/data/GeoLite2-ASN.mmdb',
    });
  });
});

describe('the shipped ASN data (ip-location-db) and hosting list', () => {
  let geoip: GeoIp;
  let cacheDir: TempDir;
  beforeAll(async () => {
    cacheDir = tempDir('asn-cache');
    const shipped = defaultAsnDatabase();
    geoip = await openGeoIp({
      country: { path: defaultDatabasePath(), label: DEFAULT_DATABASE.label },
      asn: {
        format: 'csv',
        paths: shipped.paths,
        label: DEFAULT_ASN_DATABASE.label,
        buildDate: shipped.buildDate,
      },
      hosting: loadHostingAsns(DEFAULT_HOSTING_ASNS_PATH),
      asnCacheDir: cacheDir.path,
      cacheSize: 1000,
      logger,
    });
  });
  afterAll(() => {
    geoip?.close();
    cacheDir?.remove();
  });

  test.each([
    [
      '13.124.63.251',
      'AWS Seoul',
      { country: 'KR', asn: 16509, asOrg: 'Amazon.com, Inc.', network: 'hosting' },
    ],
    ['211.234.10.5', 'LG U+', { country: 'KR', asn: 3786, asOrg: 'LG DACOM Corporation', network: 'other' }],
    ['168.126.63.1', 'KT DNS', { country: 'KR', asn: 4766, asOrg: 'Korea Telecom', network: 'other' }],
    ['2001:4860:4860::8888', 'Google DNS over IPv6', { asn: 15169, network: 'hosting' }],
    ['1.1.1.1', 'Cloudflare', { asn: 13335, network: 'hosting' }],
  ])('when %s (%s) is resolved, then geo has its AS and network', (ip, _who, expected) => {
    expect(resolveGeo(ip, geoip)).toMatchObject(expected);
  });

  test('when the data is named, then it is ip-location-db-ASN with the package date', () => {
    expect(geoip.database()).toMatch(
      /^DBIP-Country-Lite \d{4}-\d{2}-\d{2}, ip-location-db-ASN \d{4}-\d{2}-\d{2}$/,
    );
  });

  test('when a private address is resolved, then it has no AS fields', () => {
    const geo = resolveGeo('192.168.1.10', geoip);
    expect(geo).toEqual({ country: null, reason: 'private', database: geoip.database() });
  });
});

describe('the shipped default database (DB-IP Country Lite)', () => {
  let geoip: GeoIp;
  beforeAll(async () => {
    geoip = await openGeoIp({
      country: {
        path: defaultDatabasePath(),
        label: DEFAULT_DATABASE.label,
        attribution: DEFAULT_DATABASE.attribution,
      },
      hosting: hostingAsns(),
      cacheSize: 1000,
      logger,
    });
  });
  afterAll(() => geoip?.close());

  // Addresses whose country is stable: Google and KT's public DNS, KT's IPv4 and IPv6 blocks,
  // and a Japanese university network (WIDE / JPNIC 133.0.0.0/8).
  test.each([
    ['8.8.8.8', ['US']],
    ['1.1.1.1', ['AU', 'US']],
    ['168.126.63.1', ['KR']],
    ['211.234.10.20', ['KR']],
    ['2001:e60::1', ['KR']],
    ['::ffff:8.8.8.8', ['US']],
    ['133.11.0.1', ['JP']],
  ])('when %s is resolved, then the country is one of %j', (ip, countries) => {
    expect(countries).toContain(resolveGeo(ip, geoip).country);
  });

  test('when its name is shown, then it is DBIP-Country-Lite with the build date from the file', () => {
    expect(geoip.database()).toMatch(/^DBIP-Country-Lite \d{4}-\d{2}-\d{2}$/);
    expect(geoip.status()).toMatchObject({
      attribution: expect.stringContaining('DB-IP'),
      country: { ipVersion: 6 },
    });
  });

  test('when a private address is resolved, then it never reaches the database', () => {
    expect(resolveGeo('192.168.0.1', geoip)).toMatchObject({ country: null, reason: 'private' });
  });
  test('when a public address is resolved, then there is no location: it is a country database', () => {
    for (const ip of ['8.8.8.8', '168.126.63.1', '2001:e60::1']) {
      expect(resolveGeo(ip, geoip)).not.toHaveProperty('location');
    }
  });
});

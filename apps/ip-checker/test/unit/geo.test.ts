import { geoInfo } from '@account-security/shared';
import { InvalidAddressError } from '../../src/domain/address';
import {
  autonomousSystemOf,
  continentOf,
  countryOf,
  geoFromRecords,
  locationOf,
  networkOf,
  unresolvedGeo,
} from '../../src/domain/geo';
import { GeoDatabase, resolveGeo } from '../../src/domain/resolve-geo';

const noHosting = () => false;

const maxmindRecord = {
  continent: { code: 'AS', geoname_id: 6255147, names: { en: 'Asia' } },
  country: { geoname_id: 1835841, iso_code: 'KR', names: { en: 'South Korea' } },
  registered_country: { geoname_id: 1835841, iso_code: 'KR', names: { en: 'South Korea' } },
};

describe('reading the country from a database record', () => {
  test.each([
    ['MaxMind country.iso_code', maxmindRecord, 'KR'],
    ['DB-IP / ip-location-db flat country_code', { country_code: 'JP' }, 'JP'],
    ['a two-letter country string', { country: 'US', country_name: 'United States' }, 'US'],
    ['MaxMind with only registered_country', { registered_country: { iso_code: 'DE' } }, 'DE'],
    [
      'country preferred over registered_country',
      { country: { iso_code: 'KR' }, registered_country: { iso_code: 'US' } },
      'KR',
    ],
    ['a lower-case code', { country_code: 'kr' }, 'KR'],
  ])('when the record is %s, then the country is found', (_shape, record, expected) => {
    expect(countryOf(record)).toBe(expected);
  });

  test.each([
    ['null', null],
    ['a string', 'KR'],
    ['an array', [{ country_code: 'KR' }]],
    ['an empty map', {}],
    ['a country name instead of a code', { country: 'United States' }],
    ['a numeric iso_code', { country: { iso_code: 410 } }],
    ['a three-letter code', { country_code: 'KOR' }],
    ['the "unknown" user-assigned code ZZ', { country_code: 'ZZ' }],
  ])('when the record is %s, then there is no country', (_shape, record) => {
    expect(countryOf(record)).toBeUndefined();
  });

  test('when the record carries a continent in either shape, then it is read', () => {
    expect(continentOf(maxmindRecord)).toBe('AS');
    expect(continentOf({ continent_code: 'eu' })).toBe('EU');
    expect(continentOf({ continent: 'NA', continent_name: 'North America' })).toBe('NA');
    expect(continentOf({ country_code: 'KR' })).toBeUndefined();
  });
});

describe('reading the autonomous system from a database record', () => {
  test('when the record is MaxMind GeoLite2-ASN shaped, then number and organisation are read', () => {
    expect(
      autonomousSystemOf({ autonomous_system_number: 4766, autonomous_system_organization: 'Korea Telecom' }),
    ).toEqual({
      asn: 4766,
      asOrg: 'Korea Telecom',
    });
  });

  test('when the record is flat with an "AS" prefixed string, then the number is parsed', () => {
    expect(autonomousSystemOf({ asn: 'AS13335', as_name: 'Cloudflare, Inc.' })).toEqual({
      asn: 13335,
      asOrg: 'Cloudflare, Inc.',
    });
    expect(autonomousSystemOf({ asn: 15169, as_org: 'GOOGLE' })).toEqual({ asn: 15169, asOrg: 'GOOGLE' });
  });

  test('when the organisation has control characters or is very long, then it is cleaned and cut to 256 characters', () => {
    expect(
      autonomousSystemOf({
        autonomous_system_number: 1,
        autonomous_system_organization: ' Evil\r\nCorp\u0000 ',
      }),
    ).toEqual({
      asn: 1,
      asOrg: 'Evil Corp',
    });
    expect(
      autonomousSystemOf({ autonomous_system_number: 1, autonomous_system_organization: 'é'.repeat(300) })
        .asOrg,
    ).toBe('é'.repeat(256));
  });

  test.each([
    ['AS 0 (not routed)', { autonomous_system_number: 0, autonomous_system_organization: 'x' }],
    ['a negative number', { asn: -5 }],
    ['a fraction', { asn: 1.5 }],
    ['beyond 32 bits', { asn: 4_294_967_296 }],
    ['garbage text', { asn: 'ASXYZ' }],
    ['no number at all', { autonomous_system_organization: 'Orphan' }],
  ])('when the record has %s, then no autonomous system is reported', (_case, record) => {
    expect(autonomousSystemOf(record)).toEqual({});
  });
});

describe('building the geo object', () => {
  test('when the country and ASN records are found, then geo has country, continent, asn, asOrg and database and fits the contract', () => {
    const geo = geoFromRecords(
      {
        country: maxmindRecord,
        asn: { autonomous_system_number: 4766, autonomous_system_organization: 'Korea Telecom' },
        database: 'GeoLite2-Country 2026-05-26, GeoLite2-ASN 2026-05-27',
      },
      noHosting,
    );
    expect(geo).toEqual({
      country: 'KR',
      continent: 'AS',
      asn: 4766,
      asOrg: 'Korea Telecom',
      network: 'other',
      database: 'GeoLite2-Country 2026-05-26, GeoLite2-ASN 2026-05-27',
    });
    expect(geoInfo.parse(geo)).toEqual(geo);
  });

  test('when there is no ASN database record, then an ASN in the country record is used', () => {
    expect(
      geoFromRecords(
        {
          country: { country_code: 'US', asn: 'AS15169', as_name: 'Google LLC' },
          asn: null,
          database: 'ipinfo 2026-06-01',
        },
        noHosting,
      ),
    ).toEqual({
      country: 'US',
      asn: 15169,
      asOrg: 'Google LLC',
      network: 'other',
      database: 'ipinfo 2026-06-01',
    });
  });

  test('when the database has no record, then the country is null with reason not_found and fits the contract', () => {
    const geo = geoFromRecords(
      { country: null, asn: null, database: 'DBIP-Country-Lite 2026-06-01' },
      noHosting,
    );
    expect(geo).toEqual({
      country: null,
      reason: 'not_found',
      network: 'other',
      database: 'DBIP-Country-Lite 2026-06-01',
    });
    expect(geoInfo.parse(geo)).toEqual(geo);
  });

  test('when only the ASN is known, then it is kept alongside reason not_found', () => {
    expect(
      geoFromRecords(
        {
          country: { country_code: 'ZZ' },
          asn: { autonomous_system_number: 7 },
          database: 'db',
        },
        noHosting,
      ),
    ).toEqual({
      country: null,
      reason: 'not_found',
      asn: 7,
      network: 'other',
      database: 'db',
    });
  });

  test('when the AS is on the hosting list, then network is hosting and fits the contract', () => {
    const geo = geoFromRecords(
      {
        country: { country_code: 'KR' },
        asn: { autonomous_system_number: 16509, autonomous_system_organization: 'Amazon.com, Inc.' },
        database: 'db',
      },
      (asn) => asn === 16509,
    );
    expect(geo).toEqual({
      country: 'KR',
      asn: 16509,
      asOrg: 'Amazon.com, Inc.',
      network: 'hosting',
      database: 'db',
    });
    expect(geoInfo.parse(geo)).toEqual(geo);
  });

  test.each([
    ['an AS not on the list', 4766, 'other'],
    ['an AS on the list', 16509, 'hosting'],
    ['no AS at all', undefined, 'other'],
  ])('when the address has %s, then network is %s', (_case, asn, network) => {
    expect(networkOf(asn, (n) => n === 16509)).toBe(network);
  });

  test('when an address is unresolved, then the geo names the reason and the database', () => {
    expect(geoInfo.parse(unresolvedGeo('private', 'db 2026-01-01'))).toEqual({
      country: null,
      reason: 'private',
      database: 'db 2026-01-01',
    });
  });
});

describe('resolving the geo of an address', () => {
  /** A port double recording what the domain asks the database for. */
  function recordingDatabase(records: Record<string, unknown>): GeoDatabase & { asked: [string, number][] } {
    const asked: [string, number][] = [];
    return {
      asked,
      lookup(address, family) {
        asked.push([address, family]);
        return { country: records[address] ?? null, asn: null, database: 'Test 2026-06-01' };
      },
      database: () => 'Test 2026-06-01',
      isHosting: () => false,
    };
  }

  test('when the address is public IPv4, then the database answers it', () => {
    const db = recordingDatabase({ '1.2.3.4': { country_code: 'KR' } });
    expect(resolveGeo('1.2.3.4', db)).toEqual({
      country: 'KR',
      network: 'other',
      database: 'Test 2026-06-01',
    });
    expect(db.asked).toEqual([['1.2.3.4', 4]]);
  });

  test('when the address is IPv4-mapped IPv6, then the database is asked for the IPv4', () => {
    const db = recordingDatabase({ '1.2.3.4': { country_code: 'KR' } });
    expect(resolveGeo('::ffff:1.2.3.4', db).country).toBe('KR');
    expect(db.asked).toEqual([['1.2.3.4', 4]]);
  });

  test('when the address is IPv6, then the database is asked for its full form', () => {
    const db = recordingDatabase({ '2001:e60:0:0:0:0:0:1': { country_code: 'KR' } });
    expect(resolveGeo('2001:E60::1', db).country).toBe('KR');
    expect(db.asked).toEqual([['2001:e60:0:0:0:0:0:1', 6]]);
  });

  test.each([
    ['10.0.0.1', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['fe80::1', 'private'],
    ['100.64.1.1', 'private'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('when the address is %s, then the database is not asked and the reason is %s', (ip, reason) => {
    const db = recordingDatabase({});
    expect(resolveGeo(ip, db)).toEqual({ country: null, reason, database: 'Test 2026-06-01' });
    expect(db.asked).toEqual([]);
  });

  test('when the address is public but unknown to the database, then the reason is not_found', () => {
    expect(resolveGeo('9.9.9.9', recordingDatabase({}))).toEqual({
      country: null,
      reason: 'not_found',
      network: 'other',
      database: 'Test 2026-06-01',
    });
  });

  test('when the input is not an address, then it is refused', () => {
    expect(() => resolveGeo('not-an-ip', recordingDatabase({}))).toThrow(InvalidAddressError);
  });
});

describe('reading the location from a city database record', () => {
  test.each([
    [
      'MaxMind GeoLite2-City / DB-IP City location with accuracy_radius',
      { ...maxmindRecord, location: { latitude: 37.5665, longitude: 126.978, accuracy_radius: 20 } },
      { latitude: 37.5665, longitude: 126.978, accuracyKm: 20 },
    ],
    [
      'a location without accuracy_radius',
      { location: { latitude: -33.86, longitude: 151.2, time_zone: 'Australia/Sydney' } },
      { latitude: -33.86, longitude: 151.2 },
    ],
    [
      'the flat latitude/longitude of ip-location-db city files',
      { country_code: 'JP', latitude: 35.6895, longitude: 139.6917 },
      { latitude: 35.6895, longitude: 139.6917 },
    ],
    [
      'the equator and the prime meridian',
      { location: { latitude: 0, longitude: 0 } },
      { latitude: 0, longitude: 0 },
    ],
  ])('when the record is %s, then the location is read', (_shape, record, expected) => {
    expect(locationOf(record)).toEqual(expected);
  });

  test.each([
    ['a country record', maxmindRecord],
    ['only a latitude', { location: { latitude: 37.5 } }],
    ['a latitude out of range', { location: { latitude: 91, longitude: 10 } }],
    ['a longitude out of range', { location: { latitude: 10, longitude: -180.5 } }],
    ['coordinates as strings', { location: { latitude: '37.5', longitude: '127' } }],
    ['a non-finite coordinate', { location: { latitude: Number.NaN, longitude: 127 } }],
    ['null', null],
  ])('when the record is %s, then there is no location', (_shape, record) => {
    expect(locationOf(record)).toBeUndefined();
  });

  test('when the accuracy radius is not a whole number of km, then the location comes without it', () => {
    expect(locationOf({ location: { latitude: 1, longitude: 2, accuracy_radius: -5 } })).toEqual({
      latitude: 1,
      longitude: 2,
    });
    expect(locationOf({ location: { latitude: 1, longitude: 2, accuracy_radius: 2.5 } })).toEqual({
      latitude: 1,
      longitude: 2,
    });
  });

  test('when a city record is turned into geo, then location is in it and geoInfo accepts it; a country record gives none', () => {
    const city = {
      ...maxmindRecord,
      location: { latitude: 37.5665, longitude: 126.978, accuracy_radius: 20 },
    };
    const geo = geoFromRecords({ country: city, asn: null, database: 'GeoLite2-City 2026-05-26' }, noHosting);
    expect(geo.location).toEqual({ latitude: 37.5665, longitude: 126.978, accuracyKm: 20 });
    expect(geoInfo.safeParse(geo).success).toBe(true);
    const country = geoFromRecords({ country: maxmindRecord, asn: null, database: 'x' }, noHosting);
    expect(country).not.toHaveProperty('location');
  });
});

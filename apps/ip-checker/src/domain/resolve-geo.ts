import type { GeoInfo } from '@account-security/shared/contracts';
import { AddressFamily, classifyAddress } from './address';
import { GeoRecord, geoFromRecords, unresolvedGeo } from './geo';

/**
 * The port to the GeoIP data. `lookup` answers from one consistent set of databases (a reload
 * never shows a record from one file with the name of another).
 */
export interface GeoDatabase {
  lookup(address: string, family: AddressFamily): { country: GeoRecord; asn: GeoRecord; database: string };
  /** Name and build date of the data in use, e.g. "DBIP-Country-Lite 2026-06-01". */
  database(): string;
  /** Whether an AS is a data centre, cloud, VPN or proxy provider's (`network: hosting`). */
  isHosting(asn: number): boolean;
}

/** The `geo` object of `login.geo-resolved` (and of `GET /v1/ip/{ip}`) for an address. */
export function resolveGeo(ip: string, db: GeoDatabase): GeoInfo {
  const { address, family, scope } = classifyAddress(ip);
  if (scope !== 'public') return unresolvedGeo(scope, db.database());
  return geoFromRecords(db.lookup(address, family), (asn) => db.isHosting(asn));
}

import type { Logger } from '@account-security/shared';
import type { GeoDatabase } from '../domain/resolve-geo';
import { MmdbFile, MmdbFileStatus, openMmdbFile } from './mmdb-file';

export interface GeoIpOptions {
  country: { path: string; label?: string; attribution?: string };
  /** An optional ASN database (MaxMind GeoLite2-ASN or a free one in the same format). */
  asn?: { path: string };
  cacheSize: number;
  watchIntervalMs?: number;
  logger: Logger;
}

export interface GeoIpStatus {
  database: string;
  attribution?: string;
  country: MmdbFileStatus;
  asn?: MmdbFileStatus;
}

/** The GeoIP port's implementation: the country database, and the ASN database when configured. */
export interface GeoIp extends GeoDatabase {
  status(): GeoIpStatus;
  close(): void;
}

export async function openGeoIp(opts: GeoIpOptions): Promise<GeoIp> {
  const common = { cacheSize: opts.cacheSize, watchIntervalMs: opts.watchIntervalMs, logger: opts.logger };
  const country = await openMmdbFile(opts.country.path, { ...common, label: opts.country.label });
  let asn: MmdbFile | undefined;
  try {
    if (opts.asn) asn = await openMmdbFile(opts.asn.path, common);
  } catch (err) {
    country.close();
    throw err;
  }
  const join = (countryName: string, asnName?: string) =>
    asnName ? `${countryName}, ${asnName}` : countryName;

  return {
    lookup(address, family) {
      const c = country.lookup(address, family);
      const a = asn?.lookup(address, family);
      return { country: c.record, asn: a?.record ?? null, database: join(c.name, a?.name) };
    },
    database: () => join(country.name(), asn?.name()),
    status: () => ({
      database: join(country.name(), asn?.name()),
      ...(opts.country.attribution ? { attribution: opts.country.attribution } : {}),
      country: country.status(),
      ...(asn ? { asn: asn.status() } : {}),
    }),
    close() {
      country.close();
      asn?.close();
    },
  };
}

import {
  CONTROL_CHARS,
  GeoInfo,
  GeoLocation,
  GeoNetwork,
  GeoReason,
} from '@account-security/shared/contracts';

/** What a GeoIP database returned for an address: a decoded mmdb record, whatever its shape. */
export type GeoRecord = unknown;

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * "ZZ" is ISO 3166's user-assigned "unknown or unspecified", which some free databases use for
 * ranges they cannot place: that is no country.
 */
const UNKNOWN_COUNTRY = 'ZZ';

function alpha2(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^[A-Za-z]{2}$/.test(v)) return undefined;
  const code = v.toUpperCase();
  return code === UNKNOWN_COUNTRY ? undefined : code;
}

function nested(record: Fields, key: string, field: string): unknown {
  const v = record[key];
  return isObject(v) ? v[field] : undefined;
}

/**
 * The country of a record in any of the shapes in use: MaxMind GeoIP2/GeoLite2
 * (`country.iso_code`, falling back to `registered_country.iso_code` for ranges MaxMind only
 * knows the registration of), the flat `country_code` of DB-IP Lite and ip-location-db, and a
 * two-letter `country` string.
 */
export function countryOf(record: GeoRecord): string | undefined {
  if (!isObject(record)) return undefined;
  return (
    alpha2(nested(record, 'country', 'iso_code')) ??
    alpha2(record.country_code) ??
    alpha2(record.country) ??
    alpha2(nested(record, 'registered_country', 'iso_code'))
  );
}

/** MaxMind `continent.code`, or the flat `continent_code` / two-letter `continent` of others. */
export function continentOf(record: GeoRecord): string | undefined {
  if (!isObject(record)) return undefined;
  return (
    alpha2(nested(record, 'continent', 'code')) ?? alpha2(record.continent_code) ?? alpha2(record.continent)
  );
}

function coordinate(v: unknown, limit: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= limit ? v : undefined;
}

/**
 * The coordinates of a city database's record: MaxMind GeoIP2/GeoLite2-City and DB-IP City
 * (`location.latitude`, `location.longitude`, `location.accuracy_radius` in km), or the flat
 * `latitude`/`longitude` of ip-location-db's city files. Country databases have none: then
 * undefined, and `geo` has no `location`. Both coordinates or neither.
 */
export function locationOf(record: GeoRecord): GeoLocation | undefined {
  if (!isObject(record)) return undefined;
  const nestedShape = isObject(record.location);
  const source = nestedShape ? (record.location as Fields) : record;
  const latitude = coordinate(source.latitude, 90);
  const longitude = coordinate(source.longitude, 180);
  if (latitude === undefined || longitude === undefined) return undefined;
  const radius = nestedShape ? source.accuracy_radius : undefined;
  const accuracyKm =
    typeof radius === 'number' && Number.isInteger(radius) && radius >= 0 ? radius : undefined;
  return accuracyKm === undefined ? { latitude, longitude } : { latitude, longitude, accuracyKm };
}

const MAX_ASN = 4_294_967_295;

function asNumber(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'string' && /^(AS)?\d{1,10}$/i.test(v)) n = Number(v.replace(/^AS/i, ''));
  // AS 0 means "not routed" (RFC 7607): no autonomous system to report.
  return n !== undefined && Number.isInteger(n) && n > 0 && n <= MAX_ASN ? n : undefined;
}

/** Runs of the characters the contracts refuse in text. */
const CONTROL_RUNS = new RegExp(`${CONTROL_CHARS.source}+`, 'g');

/** Anything `orgName` would change: control characters, other white space than single spaces, ends. */
const NEEDS_CLEANING = new RegExp(`${CONTROL_CHARS.source}|[^\\S ]| {2}|^ | $`);

/** Organisation names come from third-party data: keep them printable and bounded. */
function orgName(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  // Most names are clean already: this runs on every lookup.
  if (v.length > 0 && v.length <= 256 && !NEEDS_CLEANING.test(v)) return v;
  const clean = v.replace(CONTROL_RUNS, ' ').replace(/\s+/g, ' ').trim();
  return clean ? Array.from(clean).slice(0, 256).join('') : undefined;
}

/**
 * The autonomous system of a record: MaxMind GeoLite2-ASN and ip-location-db's ASN databases
 * (`autonomous_system_number` / `autonomous_system_organization`), and the flat `asn` ("AS13335"
 * or a number) with `as_name` / `as_org` of others.
 */
export function autonomousSystemOf(record: GeoRecord): { asn?: number; asOrg?: string } {
  if (!isObject(record)) return {};
  const asn = asNumber(record.autonomous_system_number) ?? asNumber(record.asn);
  if (asn === undefined) return {};
  const asOrg =
    orgName(record.autonomous_system_organization) ?? orgName(record.as_name) ?? orgName(record.as_org);
  return asOrg === undefined ? { asn } : { asn, asOrg };
}

/** A `geo` object with no country, and why. */
export function unresolvedGeo(reason: GeoReason, database: string): GeoInfo {
  return { country: null, reason, database };
}

/**
 * `hosting` when the AS is one of a data centre, cloud, VPN or proxy provider; `other` for every
 * other public address, including one whose AS the data does not know (nothing says it is
 * hosting).
 */
export function networkOf(asn: number | undefined, isHosting: (asn: number) => boolean): GeoNetwork {
  return asn !== undefined && isHosting(asn) ? 'hosting' : 'other';
}

/**
 * The `geo` object from what the databases returned for a public address. The ASN comes from
 * the ASN data when it holds the address, else from the country record if it carries one.
 * `network` is there for every public address; `location` only when the country data is a city
 * database that places the address.
 */
export function geoFromRecords(
  records: { country: GeoRecord; asn: GeoRecord; database: string },
  isHosting: (asn: number) => boolean,
): GeoInfo {
  const country = countryOf(records.country);
  const continent = continentOf(records.country);
  const location = locationOf(records.country);
  const as = records.asn != null ? autonomousSystemOf(records.asn) : autonomousSystemOf(records.country);
  return {
    ...(country ? { country } : { country: null, reason: 'not_found' as const }),
    ...(continent ? { continent } : {}),
    ...as,
    network: networkOf(as.asn, isHosting),
    ...(location ? { location } : {}),
    database: records.database,
  };
}

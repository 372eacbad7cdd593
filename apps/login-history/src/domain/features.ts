/**
 * The SPEC §7 features of a login and the travel between two logins: pure functions.
 */
import ipaddr from 'ipaddr.js';

export const FEATURE_KINDS = ['device', 'asn', 'country', 'prefix'] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];
/** `logins` counts the successful logins themselves (value ''). */
export type CountedKind = FeatureKind | 'logins';

/** The values of a login's features; a feature the login has no value for is absent. */
export type FeatureValues = Partial<Record<FeatureKind, string>> & { prefix: string };

/** Where a login was: from a city database, or the country's centroid. */
export interface Place {
  latitude: number;
  longitude: number;
  source: 'city' | 'country';
}

export const featureKey = (kind: CountedKind, value: string) => `${kind}\u0000${value}`;
export const LOGINS_KEY = featureKey('logins', '');

/**
 * The address's network: its /24 for IPv4, its /48 for IPv6 (written as RFC 5952 text); an
 * IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is the IPv4 address it maps.
 */
export function prefixOf(ip: string): string {
  // Four-part decimal only: ipaddr.js would also read `127.1` or hex octets as IPv4.
  if (!ipaddr.IPv4.isValidFourPartDecimal(ip) && !ipaddr.IPv6.isValid(ip))
    throw new Error(`not an IP address: ${ip}`);
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') {
    const [a, b, c] = (addr as ipaddr.IPv4).octets;
    return `${a}.${b}.${c}.0/24`;
  }
  const [p0, p1, p2] = (addr as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([p0!, p1!, p2!, 0, 0, 0, 0, 0]).toRFC5952String()}/48`;
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance (haversine), in km. */
export function haversineKm(
  a: Pick<Place, 'latitude' | 'longitude'>,
  b: Pick<Place, 'latitude' | 'longitude'>,
) {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface Travel {
  fromCountry: string | null;
  toCountry: string | null;
  km: number;
  minutes: number;
  kmh: number | null;
  source: 'city' | 'country';
}

/** From one login to a later one; undefined when either place is unknown. */
export function travelBetween(
  from: { loggedInAt: Date; country: string | null; place: Place | null },
  to: { loggedInAt: Date; country: string | null; place: Place | null },
): Travel | undefined {
  if (!from.place || !to.place) return undefined;
  const exactKm = haversineKm(from.place, to.place);
  const ms = Math.max(0, to.loggedInAt.getTime() - from.loggedInAt.getTime());
  const minutes = ms / 60_000;
  return {
    fromCountry: from.country,
    toCountry: to.country,
    km: Math.round(exactKm),
    minutes: Math.round(minutes * 100) / 100,
    kmh: ms === 0 ? null : Math.round(exactKm / (ms / 3_600_000)),
    source: from.place.source === 'city' && to.place.source === 'city' ? 'city' : 'country',
  };
}

/**
 * The SPEC §7 features of a login and the travel between two logins: pure functions.
 */
import { isIPv4, isIPv6 } from 'node:net';

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

function expandIPv6(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = s
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const part = (x: string) => (x === '' ? [] : x.split(':').map((g) => parseInt(g, 16)));
  const h = part(head);
  const r = rest === undefined ? [] : part(rest);
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill(0), ...r];
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}

/**
 * The address's network: its /24 for IPv4, its /48 for IPv6; an IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`) is the IPv4 address it maps.
 */
export function prefixOf(ip: string): string {
  if (isIPv4(ip)) {
    const [a, b, c] = ip.split('.').map(Number);
    return `${a}.${b}.${c}.0/24`;
  }
  const g = isIPv6(ip) ? expandIPv6(ip) : null;
  if (!g) throw new Error(`not an IP address: ${ip}`);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.0/24`;
  }
  return `${g[0]!.toString(16)}:${g[1]!.toString(16)}:${g[2]!.toString(16)}::/48`;
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

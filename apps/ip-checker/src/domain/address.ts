import { isIPv4, isIPv6 } from 'node:net';
import { GLOBAL_EXCEPTIONS, IPV6_GLOBAL_UNICAST, SPECIAL_RANGES, SpecialPurpose } from './special-ranges';

export type AddressFamily = 4 | 6;

/** An address in the one textual form the GeoIP lookup gets: dotted quad, or eight hex groups. */
export interface NormalizedAddress {
  address: string;
  family: AddressFamily;
}

export interface ClassifiedAddress extends NormalizedAddress {
  /** `public`: worth a database lookup; otherwise why it has no country. */
  scope: 'public' | SpecialPurpose;
}

export class InvalidAddressError extends Error {
  constructor(readonly input: string) {
    super(`"${input.slice(0, 64)}" is not an IPv4 or IPv6 address`);
    this.name = 'InvalidAddressError';
  }
}

/** Eight 16-bit groups of a text that `isIPv6` accepted (with an optional dotted-quad tail). */
function ipv6Groups(text: string): number[] {
  let head = text;
  const tail: number[] = [];
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    head = text.slice(0, quad.index);
  }
  const groups = (part: string) =>
    part
      .split(':')
      .filter((g) => g !== '')
      .map((g) => parseInt(g, 16));
  const [left, right] = head.split('::') as [string, string | undefined];
  if (right === undefined) return [...groups(left), ...tail];
  const l = groups(left);
  const r = [...groups(right), ...tail];
  return [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
}

interface ParsedAddress extends NormalizedAddress {
  bytes: number[];
}

function parseAddress(ip: string): ParsedAddress {
  if (ip.includes('%')) throw new InvalidAddressError(ip);
  if (isIPv4(ip)) {
    const bytes = ip.split('.').map(Number);
    return { address: bytes.join('.'), family: 4, bytes };
  }
  if (!isIPv6(ip)) throw new InvalidAddressError(ip);
  const g = ipv6Groups(ip);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    const bytes = [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
    return { address: bytes.join('.'), family: 4, bytes };
  }
  return {
    address: g.map((n) => n.toString(16)).join(':'),
    family: 6,
    bytes: g.flatMap((n) => [n >> 8, n & 0xff]),
  };
}

/**
 * Parses an address and folds IPv4-mapped IPv6 (`::ffff:1.2.3.4`) into the IPv4 it carries:
 * dual-stack sockets report IPv4 clients that way, and GeoIP databases index them as IPv4.
 * Zone ids (`fe80::1%eth0`) are refused, as the event contract does.
 */
export function normalizeAddress(ip: string): NormalizedAddress {
  const { address, family } = parseAddress(ip);
  return { address, family };
}

interface Prefix {
  family: AddressFamily;
  bytes: number[];
  length: number;
}

function prefixOf(cidr: string): Prefix {
  const [network, length] = cidr.split('/') as [string, string];
  const { family, bytes } = parseAddress(network);
  return { family, bytes, length: Number(length) };
}

// Plain byte comparison rather than node:net BlockList: BlockList builds a native SocketAddress
// on every check, which made classifying cost ten times the database lookup itself.
function within(a: ParsedAddress, p: Prefix): boolean {
  if (a.family !== p.family) return false;
  const full = p.length >> 3;
  for (let i = 0; i < full; i++) if (a.bytes[i] !== p.bytes[i]) return false;
  const rest = p.length & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a.bytes[full]! & mask) === (p.bytes[full]! & mask);
}

const prefixes = (cidrs: readonly string[]) => cidrs.map(prefixOf);
const exceptions = prefixes(GLOBAL_EXCEPTIONS);
const privateRanges = prefixes(SPECIAL_RANGES.filter((r) => r.purpose === 'private').map((r) => r.cidr));
const reservedRanges = prefixes(SPECIAL_RANGES.filter((r) => r.purpose === 'reserved').map((r) => r.cidr));
const globalUnicast = prefixOf(IPV6_GLOBAL_UNICAST);

/** Whether an address can be looked up, or is private or reserved (see special-ranges.ts). */
export function classifyAddress(ip: string): ClassifiedAddress {
  const parsed = parseAddress(ip);
  const inAny = (list: Prefix[]) => list.some((p) => within(parsed, p));
  let scope: ClassifiedAddress['scope'] = 'public';
  if (inAny(exceptions)) scope = 'public';
  else if (inAny(privateRanges)) scope = 'private';
  else if (inAny(reservedRanges)) scope = 'reserved';
  else if (parsed.family === 6 && !within(parsed, globalUnicast)) scope = 'reserved';
  return { address: parsed.address, family: parsed.family, scope };
}

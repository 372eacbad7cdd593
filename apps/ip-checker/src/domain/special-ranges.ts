/**
 * IANA special-purpose address registries (RFC 6890 and updates), as of 2025:
 * https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry.
 *
 * Only the blocks that a login can never legitimately come from over the public internet are
 * listed. `private` means "inside someone's own network" (RFC 1918, CGNAT, loopback,
 * link-local, unique-local): the login server sits behind a proxy or NAT that hides the real
 * client. `reserved` means the address is not routable as a source at all (documentation,
 * benchmarking, multicast, future use): a spoofed or misconfigured value.
 */
export type SpecialPurpose = 'private' | 'reserved';

export interface SpecialRange {
  cidr: string;
  purpose: SpecialPurpose;
  name: string;
}

export const SPECIAL_RANGES: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', purpose: 'reserved', name: '"this network" (RFC 791)' },
  { cidr: '10.0.0.0/8', purpose: 'private', name: 'private-use (RFC 1918)' },
  { cidr: '100.64.0.0/10', purpose: 'private', name: 'shared address space, CGNAT (RFC 6598)' },
  { cidr: '127.0.0.0/8', purpose: 'private', name: 'loopback (RFC 1122)' },
  { cidr: '169.254.0.0/16', purpose: 'private', name: 'link-local (RFC 3927)' },
  { cidr: '172.16.0.0/12', purpose: 'private', name: 'private-use (RFC 1918)' },
  { cidr: '192.0.0.0/24', purpose: 'reserved', name: 'IETF protocol assignments (RFC 6890)' },
  { cidr: '192.0.2.0/24', purpose: 'reserved', name: 'documentation TEST-NET-1 (RFC 5737)' },
  { cidr: '192.88.99.0/24', purpose: 'reserved', name: 'deprecated 6to4 relay anycast (RFC 7526)' },
  { cidr: '192.168.0.0/16', purpose: 'private', name: 'private-use (RFC 1918)' },
  { cidr: '198.18.0.0/15', purpose: 'reserved', name: 'benchmarking (RFC 2544)' },
  { cidr: '198.51.100.0/24', purpose: 'reserved', name: 'documentation TEST-NET-2 (RFC 5737)' },
  { cidr: '203.0.113.0/24', purpose: 'reserved', name: 'documentation TEST-NET-3 (RFC 5737)' },
  { cidr: '224.0.0.0/4', purpose: 'reserved', name: 'multicast (RFC 5771)' },
  {
    cidr: '240.0.0.0/4',
    purpose: 'reserved',
    name: 'reserved for future use and limited broadcast (RFC 1112, RFC 919)',
  },

  { cidr: '::/128', purpose: 'reserved', name: 'unspecified address (RFC 4291)' },
  { cidr: '::1/128', purpose: 'private', name: 'loopback (RFC 4291)' },
  { cidr: '64:ff9b:1::/48', purpose: 'reserved', name: 'local-use IPv4/IPv6 translation (RFC 8215)' },
  { cidr: '100::/64', purpose: 'reserved', name: 'discard-only (RFC 6666)' },
  { cidr: '2001::/23', purpose: 'reserved', name: 'IETF protocol assignments (RFC 2928)' },
  { cidr: '2001:db8::/32', purpose: 'reserved', name: 'documentation (RFC 3849)' },
  { cidr: '3fff::/20', purpose: 'reserved', name: 'documentation (RFC 9637)' },
  { cidr: '5f00::/16', purpose: 'reserved', name: 'SRv6 SIDs (RFC 9602)' },
  { cidr: 'fc00::/7', purpose: 'private', name: 'unique-local (RFC 4193)' },
  { cidr: 'fe80::/10', purpose: 'private', name: 'link-local (RFC 4291)' },
  { cidr: 'fec0::/10', purpose: 'private', name: 'deprecated site-local (RFC 3879)' },
  { cidr: 'ff00::/8', purpose: 'reserved', name: 'multicast (RFC 4291)' },
];

/**
 * Blocks inside the ranges above that the registry marks globally reachable (anycast services)
 * or leaves to the data ("N/A": Teredo, whose addresses a GeoIP database may still place).
 */
export const GLOBAL_EXCEPTIONS: readonly string[] = [
  '192.0.0.9/32', // Port Control Protocol anycast (RFC 7723)
  '192.0.0.10/32', // TURN anycast (RFC 8155)
  '2001::/32', // Teredo (RFC 4380)
  '2001:1::1/128', // Port Control Protocol anycast (RFC 7723)
  '2001:1::2/128', // TURN anycast (RFC 8155)
  '2001:1::3/128', // DNS-SD service registration anycast (RFC 9665)
  '2001:3::/32', // AMT (RFC 7450)
  '2001:4:112::/48', // AS112-v6 (RFC 7535)
  '2001:20::/28', // ORCHIDv2 (RFC 7343)
  '2001:30::/28', // DRIP entity tags (RFC 9374)
];

/**
 * IANA has allocated only 2000::/3 for global unicast; everything else outside the private
 * blocks above (fc00::/7, fe80::/10, …) and multicast is "reserved by IETF".
 */
export const IPV6_GLOBAL_UNICAST = '2000::/3';

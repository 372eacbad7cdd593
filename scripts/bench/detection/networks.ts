/**
 * Real address ranges of real networks, each checked against the data ip-checker ships
 * (@ip-location-db/asn for the ASN, DB-IP country lite for the country): the benchmark resolves
 * a sample of every pool through the running ip-checker before it starts and stops if one
 * does not match. `hosting` is whether the ASN is in apps/ip-checker/data/hosting-asns.json.
 */
import type { Rng } from './prng';

export type NetworkKind = 'isp' | 'mobile' | 'hosting';

export interface Network {
  name: string;
  asn: number;
  country: string;
  kind: NetworkKind;
  /** Inclusive IPv4 ranges, all inside one ASN row and one country. */
  ranges: readonly (readonly [string, string])[];
}

const net = (
  name: string,
  asn: number,
  country: string,
  kind: NetworkKind,
  ...ranges: [string, string][]
): Network => ({ name, asn, country, kind, ranges });

/** Korean home ISPs (fixed broadband), with a rough market share. */
export const KR_ISPS: [Network, number][] = [
  [
    net(
      'KT',
      4766,
      'KR',
      'isp',
      ['175.214.184.0', '175.222.255.255'],
      ['14.63.192.0', '14.95.255.255'],
      ['1.96.0.0', '1.111.255.255'],
    ),
    41,
  ],
  [
    net(
      'SK Broadband',
      9318,
      'KR',
      'isp',
      ['180.67.22.0', '180.71.255.255'],
      ['1.248.220.0', '1.252.185.255'],
      ['58.235.240.0', '58.239.61.255'],
    ),
    29,
  ],
  [
    net(
      'LG U+ (DACOM)',
      3786,
      'KR',
      'isp',
      ['1.214.107.0', '1.222.127.255'],
      ['106.241.158.0', '106.249.4.255'],
    ),
    12,
  ],
  [
    net(
      'LG U+ (POWERCOMM)',
      17858,
      'KR',
      'isp',
      ['182.208.0.0', '182.231.255.255'],
      ['49.160.0.0', '49.175.255.255'],
      ['112.144.0.0', '112.159.255.255'],
    ),
    8,
  ],
  [
    net(
      'LG HelloVision',
      38091,
      'KR',
      'isp',
      ['110.47.0.0', '110.47.175.255'],
      ['1.176.0.0', '1.176.127.255'],
    ),
    6,
  ],
  [net("D'LIVE", 10036, 'KR', 'isp', ['58.142.128.0', '58.143.255.255'], ['124.5.0.0', '124.5.255.255']), 4],
];

/** Korean mobile carriers (their CGNAT pools): SKT, KT's mobile ranges, LG U+ mobile. */
export const KR_MOBILE: [Network, number][] = [
  [
    net(
      'SK Telecom',
      9644,
      'KR',
      'mobile',
      ['223.32.0.0', '223.63.255.255'],
      ['42.16.0.0', '42.47.255.255'],
      ['27.160.0.0', '27.183.255.255'],
    ),
    45,
  ],
  [
    net(
      'KT mobile',
      4766,
      'KR',
      'mobile',
      ['39.4.0.0', '39.7.255.255'],
      ['110.68.0.0', '110.71.255.255'],
      ['118.234.0.0', '118.235.255.255'],
    ),
    32,
  ],
  [
    net(
      'LG U+ mobile',
      17853,
      'KR',
      'mobile',
      ['106.101.252.0', '106.102.130.255'],
      ['117.111.0.0', '117.111.31.255'],
      ['223.171.0.0', '223.172.255.255'],
    ),
    23,
  ],
];

/** Data centres, clouds, hosters and VPN exits in Korea (all on the hosting list). */
export const KR_HOSTING: Network[] = [
  net(
    'Amazon Web Services (Seoul)',
    16509,
    'KR',
    'hosting',
    ['13.124.0.0', '13.125.255.255'],
    ['3.34.0.0', '3.39.255.255'],
    ['52.78.0.0', '52.79.255.255'],
    ['15.164.0.0', '15.165.255.255'],
    ['43.200.0.0', '43.203.255.255'],
  ),
  net(
    'NAVER Cloud',
    23576,
    'KR',
    'hosting',
    ['110.234.64.0', '110.234.127.255'],
    ['175.158.0.0', '175.158.31.255'],
    ['61.247.192.0', '61.247.211.255'],
  ),
  net(
    'NHN Cloud',
    45974,
    'KR',
    'hosting',
    ['180.210.100.0', '180.210.127.255'],
    ['114.110.128.0', '114.110.141.255'],
  ),
  net(
    'Gabia',
    17589,
    'KR',
    'hosting',
    ['180.131.31.0', '180.131.63.255'],
    ['183.86.236.0', '183.86.255.255'],
  ),
  net(
    'Smileserv (iwinv)',
    38700,
    'KR',
    'hosting',
    ['49.247.0.0', '49.247.255.255'],
    ['115.68.0.0', '115.68.255.255'],
  ),
  net('Kakao Enterprise', 23588, 'KR', 'hosting', ['210.109.76.0', '210.109.83.255']),
  net(
    'Vultr (Seoul)',
    20473,
    'KR',
    'hosting',
    ['158.247.192.0', '158.247.255.255'],
    ['141.164.32.0', '141.164.63.255'],
  ),
  net('OVHcloud (Korea)', 16276, 'KR', 'hosting', ['82.41.172.0', '82.41.179.255']),
];

/** Clouds and hosters abroad (all on the hosting list). */
export const FOREIGN_HOSTING: Network[] = [
  net(
    'DigitalOcean (US)',
    14061,
    'US',
    'hosting',
    ['45.55.0.0', '45.55.255.255'],
    ['104.131.0.0', '104.131.255.255'],
  ),
  net(
    'Hetzner (DE)',
    24940,
    'DE',
    'hosting',
    ['46.224.0.0', '46.225.255.255'],
    ['78.46.0.0', '78.47.255.255'],
  ),
  net('OVHcloud (FR)', 16276, 'FR', 'hosting', ['213.251.128.0', '213.251.191.255']),
  net('Vultr (US)', 20473, 'US', 'hosting', ['144.202.0.0', '144.202.127.255']),
  net('Vultr (Tokyo)', 20473, 'JP', 'hosting', ['167.179.64.0', '167.179.127.255']),
  net('M247 (DE)', 9009, 'DE', 'hosting', ['5.157.192.0', '5.157.223.255']),
  net('Amazon Web Services (Tokyo)', 16509, 'JP', 'hosting', ['52.192.0.0', '52.199.255.255']),
];

/** Foreign access networks by country: home ISPs, hotel Wi-Fi and local mobile carriers. */
export const FOREIGN_ACCESS: Record<string, Network[]> = {
  JP: [
    net('KDDI', 2516, 'JP', 'isp', ['106.128.0.0', '106.191.255.255'], ['27.80.0.0', '27.95.255.255']),
    net('NTT OCN', 4713, 'JP', 'isp', ['153.128.0.0', '153.253.255.255']),
    net('NTT docomo', 9605, 'JP', 'mobile', ['49.98.60.0', '49.99.255.255']),
  ],
  US: [
    net('Comcast', 7922, 'US', 'isp', ['73.0.0.0', '73.255.255.255']),
    net('T-Mobile US', 21928, 'US', 'mobile', ['172.32.0.0', '172.63.255.255']),
  ],
  VN: [
    net('Viettel', 7552, 'VN', 'mobile', ['171.226.16.0', '171.242.5.255']),
    net('VNPT', 45899, 'VN', 'isp', ['14.160.0.0', '14.191.255.255']),
  ],
  GB: [net('BT', 2856, 'GB', 'isp', ['86.128.0.0', '86.191.255.255'])],
  DE: [net('Deutsche Telekom', 3320, 'DE', 'isp', ['79.192.0.0', '79.255.255.255'])],
  CN: [net('China Telecom', 4134, 'CN', 'isp', ['115.200.224.0', '115.219.255.255'])],
};

export const TRAVEL_COUNTRIES: [string, number][] = [
  ['JP', 40],
  ['VN', 20],
  ['US', 15],
  ['CN', 10],
  ['GB', 8],
  ['DE', 7],
];

/** Flight time from Seoul, hours (door to door takes longer: see the generator). */
export const FLIGHT_HOURS: Record<string, number> = { JP: 2, CN: 2, VN: 5, US: 12, GB: 14, DE: 13 };

const toNum = (ip: string) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
const toIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** A host address in the network (never .0 or .255). */
export function addressIn(n: Network, rng: Rng): string {
  const [from, to] = rng.pick(n.ranges);
  const lo = toNum(from);
  const hi = toNum(to);
  for (;;) {
    const a = lo + Math.floor(rng.next() * (hi - lo + 1));
    const last = a & 255;
    if (last !== 0 && last !== 255) return toIp(a);
  }
}

/** Every network above, for the check against the running ip-checker. */
export const ALL_NETWORKS: Network[] = [
  ...KR_ISPS.map(([n]) => n),
  ...KR_MOBILE.map(([n]) => n),
  ...KR_HOSTING,
  ...FOREIGN_HOSTING,
  ...Object.values(FOREIGN_ACCESS).flat(),
];

import { BlockList, isIPv4 } from 'node:net';
import { InvalidAddressError, classifyAddress, normalizeAddress } from '../../src/domain/address';
import { GLOBAL_EXCEPTIONS, IPV6_GLOBAL_UNICAST, SPECIAL_RANGES } from '../../src/domain/special-ranges';

describe('normalizing an address', () => {
  test.each([
    ['1.2.3.4', '1.2.3.4', 4],
    ['::ffff:1.2.3.4', '1.2.3.4', 4],
    ['::FFFF:102:304', '1.2.3.4', 4],
    ['0:0:0:0:0:ffff:8.8.8.8', '8.8.8.8', 4],
    ['::ffff:0.0.0.0', '0.0.0.0', 4],
    ['2001:DB8::1', '2001:db8:0:0:0:0:0:1', 6],
    ['2001:e60:0:0:0:0:0:1', '2001:e60:0:0:0:0:0:1', 6],
    ['::', '0:0:0:0:0:0:0:0', 6],
    ['::1', '0:0:0:0:0:0:0:1', 6],
    ['fe80::', 'fe80:0:0:0:0:0:0:0', 6],
    ['::1.2.3.4', '0:0:0:0:0:0:102:304', 6],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0:0:0:c000:221', 6],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8', 6],
  ])('when given %s, then it is looked up as %s (IPv%i)', (input, address, family) => {
    expect(normalizeAddress(input)).toEqual({ address, family });
  });

  test.each([
    'not-an-ip',
    '',
    '1.2.3',
    '256.1.1.1',
    '1.2.3.4/24',
    'fe80::1%eth0',
    '::ffff:1.2.3.4%1',
    '2001:db8::g',
    ' 1.2.3.4',
  ])('when given %j, then it is refused as not an address', (input) => {
    expect(() => normalizeAddress(input)).toThrow(InvalidAddressError);
  });
});

describe('classifying an address', () => {
  test.each([
    '8.8.8.8',
    '1.1.1.1',
    '211.234.10.20',
    '2001:4860:4860::8888',
    '2001:e60::1',
    '::ffff:8.8.8.8',
    // Just outside the special blocks:
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2001:200::1',
    '3fff:1000::1',
    '2002:808:808::1',
    // Globally reachable anycast inside special blocks, and Teredo, left to the database:
    '192.0.0.9',
    '192.0.0.10',
    '2001:4:112::1',
    '2001:1::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  ])('when the address is %s, then it is public and looked up', (ip) => {
    expect(classifyAddress(ip).scope).toBe('public');
  });

  test.each([
    ['10.0.0.1', 'RFC 1918'],
    ['172.16.0.1', 'RFC 1918'],
    ['172.31.255.255', 'RFC 1918'],
    ['192.168.1.10', 'RFC 1918'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['::1', 'IPv6 loopback'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fe80::1', 'IPv6 link-local'],
    ['febf:ffff::1', 'IPv6 link-local'],
    ['fec0::1', 'site-local'],
    ['::ffff:10.1.2.3', 'RFC 1918 as IPv4-mapped IPv6'],
    ['::ffff:127.0.0.1', 'loopback as IPv4-mapped IPv6'],
  ])('when the address is %s (%s), then it is private', (ip) => {
    expect(classifyAddress(ip).scope).toBe('private');
  });

  test.each([
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['192.0.0.1', 'IETF protocol assignments'],
    ['192.0.2.1', 'TEST-NET-1'],
    ['198.51.100.7', 'TEST-NET-2'],
    ['203.0.113.9', 'TEST-NET-3'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'future use'],
    ['255.255.255.255', 'limited broadcast'],
    ['::', 'IPv6 unspecified'],
    ['::1.2.3.4', 'deprecated IPv4-compatible'],
    ['64:ff9b:1::1', 'local-use translation'],
    ['100::1', 'discard-only'],
    ['2001:2::1', 'benchmarking inside IETF protocol assignments'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['3fff::1', 'IPv6 documentation'],
    ['5f00::1', 'SRv6'],
    ['ff02::1', 'IPv6 multicast'],
    ['4000::1', 'not allocated by IANA'],
    ['1fff:ffff::1', 'not allocated by IANA'],
    ['::ffff:192.0.2.1', 'TEST-NET-1 as IPv4-mapped IPv6'],
  ])('when the address is %s (%s), then it is reserved', (ip) => {
    expect(classifyAddress(ip).scope).toBe('reserved');
  });

  test('when each table entry is checked at its first address, then it has the purpose the table gives (or is an exception)', () => {
    const exceptions = new Set(GLOBAL_EXCEPTIONS.map((c) => c.split('/')[0]));
    for (const range of SPECIAL_RANGES) {
      const first = range.cidr.split('/')[0]!;
      if (exceptions.has(first)) continue;
      expect({ cidr: range.cidr, scope: classifyAddress(first).scope }).toEqual({
        cidr: range.cidr,
        scope: range.purpose,
      });
    }
  });

  test('when an IPv4-mapped address is classified, then it carries the plain IPv4 to look up', () => {
    expect(classifyAddress('::ffff:211.234.10.20')).toEqual({
      address: '211.234.10.20',
      family: 4,
      scope: 'public',
    });
  });

  test('when thousands of addresses near the special blocks are classified, then the answers equal node:net BlockList over the same table', () => {
    const list = (cidrs: readonly string[]) => {
      const b = new BlockList();
      for (const cidr of cidrs) {
        const [network, prefix] = cidr.split('/') as [string, string];
        b.addSubnet(network, Number(prefix), isIPv4(network) ? 'ipv4' : 'ipv6');
      }
      return b;
    };
    const exceptions = list(GLOBAL_EXCEPTIONS);
    const priv = list(SPECIAL_RANGES.filter((r) => r.purpose === 'private').map((r) => r.cidr));
    const reserved = list(SPECIAL_RANGES.filter((r) => r.purpose === 'reserved').map((r) => r.cidr));
    const global6 = list([IPV6_GLOBAL_UNICAST]);
    const oracle = (ip: string) => {
      const type = isIPv4(ip) ? 'ipv4' : 'ipv6';
      if (exceptions.check(ip, type)) return 'public';
      if (priv.check(ip, type)) return 'private';
      if (reserved.check(ip, type)) return 'reserved';
      if (type === 'ipv6' && !global6.check(ip, 'ipv6')) return 'reserved';
      return 'public';
    };

    // Seeded, so a failure reproduces: addresses at and around every block's edges.
    let seed = 12345;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const samples: string[] = [];
    for (const cidr of [...SPECIAL_RANGES.map((r) => r.cidr), ...GLOBAL_EXCEPTIONS, IPV6_GLOBAL_UNICAST]) {
      const network = cidr.split('/')[0]!;
      for (let i = 0; i < 200; i++) {
        if (isIPv4(network)) {
          const o = network.split('.').map(Number);
          const k = rand(4);
          o[k] = (o[k]! + rand(3) - 1 + 256) % 256;
          for (let j = k + 1; j < 4; j++) o[j] = rand(256);
          samples.push(o.join('.'));
        } else {
          const g = normalizeAddress(network)
            .address.split(':')
            .map((h) => parseInt(h, 16));
          const k = rand(8);
          g[k] = (g[k]! + rand(3) - 1 + 65536) % 65536;
          if (rand(2)) g[k] = g[k]! ^ (1 << rand(16));
          for (let j = k + 1; j < 8; j++) g[j] = rand(65536);
          samples.push(g.map((n) => n.toString(16)).join(':'));
        }
      }
    }
    for (let i = 0; i < 2000; i++) samples.push([rand(256), rand(256), rand(256), rand(256)].join('.'));
    const mismatches = samples.filter((ip) => classifyAddress(ip).scope !== oracle(ip));
    expect(mismatches).toEqual([]);
    expect(samples.length).toBeGreaterThan(8000);
  });
});

import { Reader } from 'maxmind';
import { buildMmdb, MmdbOptions } from '../support/mmdb-writer';

/** The test-only writer is checked against the real reader (maxmind / mmdb-lib). */
const read = (opts: MmdbOptions) => new Reader<any>(buildMmdb(opts));

const base = { databaseType: 'Writer-Test', buildDate: new Date('2026-06-01T12:34:56Z') };

describe('the test-only mmdb writer', () => {
  describe.each([24, 28, 32] as const)('with %i-bit records', (recordSize) => {
    test('when an IPv6 tree holds IPv4 and IPv6 networks, then the maxmind reader finds each with its prefix length', () => {
      const r = read({
        ...base,
        recordSize,
        networks: [
          { network: '1.2.3.0/24', data: { country_code: 'KR' } },
          { network: '8.8.8.0/24', data: { country_code: 'US' } },
          { network: '133.0.0.0/8', data: { country_code: 'JP' } },
          { network: '2001:e60::/32', data: { country_code: 'KR' } },
        ],
      });
      expect(r.getWithPrefixLength('1.2.3.4')).toEqual([{ country_code: 'KR' }, 24]);
      expect(r.getWithPrefixLength('8.8.8.8')).toEqual([{ country_code: 'US' }, 24]);
      expect(r.getWithPrefixLength('133.255.1.2')).toEqual([{ country_code: 'JP' }, 8]);
      expect(r.getWithPrefixLength('2001:e60:1234::1')).toEqual([{ country_code: 'KR' }, 32]);
      // IPv4 lives at ::/96 of the IPv6 tree.
      expect(r.get('::1.2.3.4')).toEqual({ country_code: 'KR' });
      expect(r.get('1.2.4.1')).toBeNull();
      expect(r.get('2001:e61::1')).toBeNull();
      expect(r.metadata).toMatchObject({
        ipVersion: 6,
        recordSize,
        databaseType: 'Writer-Test',
        binaryFormatMajorVersion: 2,
      });
      expect(r.metadata.buildEpoch.toISOString()).toBe('2026-06-01T12:34:56.000Z');
    });

    test('when the tree is IPv4-only, then IPv4 lookups start at its root', () => {
      const r = read({
        ...base,
        recordSize,
        ipVersion: 4,
        networks: [{ network: '10.0.0.0/8', data: 'ten' }],
      });
      expect(r.metadata.ipVersion).toBe(4);
      expect(r.getWithPrefixLength('10.200.0.1')).toEqual(['ten', 8]);
      expect(r.get('11.0.0.1')).toBeNull();
    });
  });

  test('when networks overlap, then the later one wins where they meet and the earlier one keeps the rest', () => {
    const r = read({
      ...base,
      networks: [
        { network: '10.0.0.0/8', data: 'wide' },
        { network: '10.1.0.0/16', data: 'narrow' },
        { network: '10.1.2.0/24', data: 'wide' },
      ],
    });
    expect(r.get('10.0.0.1')).toBe('wide');
    expect(r.get('10.1.0.1')).toBe('narrow');
    expect(r.get('10.1.2.3')).toBe('wide');
    expect(r.get('10.255.255.255')).toBe('wide');
  });

  test('when records use every data type, then each decodes to the value written', () => {
    const long = 'x'.repeat(300);
    const huge = 'y'.repeat(70_000);
    const record = {
      text: 'Seoul 서울',
      empty: '',
      long,
      huge,
      u16: { type: 'uint16' as const, value: 65535 },
      u32: 4_000_000_000,
      zero: 0,
      u64: 18_446_744_073_709_551_615n,
      u128: { type: 'uint128' as const, value: 2n ** 100n },
      i32: -42,
      double: 37.5665,
      float: { type: 'float' as const, value: 1.5 },
      yes: true,
      no: false,
      bytes: Buffer.from([0, 1, 254, 255]),
      list: ['a', 1, [true], { nested: { deeper: 'ok' } }],
      names: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])),
    };
    const got = read({ ...base, networks: [{ network: '1.0.0.0/8', data: record }] }).get('1.1.1.1');
    expect(got.text).toBe('Seoul 서울');
    expect(got.empty).toBe('');
    expect(got.long).toBe(long);
    expect(got.huge).toBe(huge);
    expect(got.u16).toBe(65535);
    expect(got.u32).toBe(4_000_000_000);
    expect(got.zero).toBe(0);
    expect(BigInt(got.u64)).toBe(18_446_744_073_709_551_615n);
    expect(BigInt(got.u128)).toBe(2n ** 100n);
    expect(got.i32).toBe(-42);
    expect(got.double).toBe(37.5665);
    expect(got.float).toBe(1.5);
    expect(got.yes).toBe(true);
    expect(got.no).toBe(false);
    expect(Buffer.from(got.bytes)).toEqual(Buffer.from([0, 1, 254, 255]));
    expect(got.list).toEqual(['a', 1, [true], { nested: { deeper: 'ok' } }]);
    expect(got.names).toEqual(record.names);
  });

  test('when a record sits beyond 2^24 bytes into the data section, then 28- and 32-bit trees reach it and 24-bit refuses', () => {
    // A 16 MiB blob first pushes the second record's pointer past 24 bits, which exercises the
    // shared middle nibble of 28-bit nodes.
    const networks = [
      { network: '9.0.0.0/8', data: Buffer.alloc(2 ** 24) },
      { network: '1.2.3.0/24', data: { country_code: 'KR' } },
    ];
    for (const recordSize of [28, 32] as const) {
      const r = read({ ...base, recordSize, networks });
      expect(r.get('1.2.3.4')).toEqual({ country_code: 'KR' });
      expect(r.get('9.9.9.9')).toHaveLength(2 ** 24);
    }
    expect(() => buildMmdb({ ...base, recordSize: 24, networks })).toThrow(/does not fit in 24 bits/);
  });

  test('when an IPv6 network is given for an IPv4 tree, then writing fails', () => {
    expect(() =>
      buildMmdb({ ...base, ipVersion: 4, networks: [{ network: '2001:db8::/32', data: 'x' }] }),
    ).toThrow(/IPv6 network in an IPv4 database/);
  });
});

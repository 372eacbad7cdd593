import { AsnCsvError, AsnTable } from '../../src/data-access/asn-table';
import { normalizeAddress } from '../../src/domain/address';

/** Looks an address up as resolveGeo does: normalized first. */
const lookup = (t: AsnTable, ip: string) => {
  const { address, family } = normalizeAddress(ip);
  return t.lookup(address, family);
};
const as = (asn: number, org?: string) =>
  org === undefined
    ? { autonomous_system_number: asn }
    : { autonomous_system_number: asn, autonomous_system_organization: org };

// Rows in the shape of ip-location-db's asn-ipv4-num.csv / asn-ipv6-num.csv.
const V4_NUM = [
  '16777216,16777471,13335,"Cloudflare, Inc."', // 1.0.0.0 - 1.0.0.255
  '16778240,16779263,38803,Gtelecom Pty Ltd', // 1.0.4.0 - 1.0.7.255
  '224067584,224133119,16509,"Amazon.com, Inc."', // 13.91.0.0 - 13.91.255.255
  '4294967040,4294967295,64512,"Say ""hi"", Co."', // 255.255.255.0/24: the top of the space
].join('\n');
const V6_NUM = [
  // 2001:4860::/32, then 2001:e60::/32: out of order, which the table sorts
  '42541956101370907050197289607612071936,42541956180599069564461627201156022271,15169,Google LLC',
  '42540779721613895253312700667037483008,42540779800842057767577038260581433343,4766,Korea Telecom',
].join('\r\n');

describe('the compiled ASN table', () => {
  const table = AsnTable.fromCsv([V4_NUM, V6_NUM]);

  test('when the shipped files are compiled, then both families are in one table', () => {
    expect(table.size).toEqual({ ipv4: 4, ipv6: 2 });
  });

  test.each([
    ['the first address of a range', '1.0.0.0', as(13335, 'Cloudflare, Inc.')],
    ['the last address of a range', '1.0.0.255', as(13335, 'Cloudflare, Inc.')],
    ['an address inside a range', '1.0.5.9', as(38803, 'Gtelecom Pty Ltd')],
    ['the last IPv4 address', '255.255.255.255', as(64512, 'Say "hi", Co.')],
    ['an IPv4-mapped IPv6 address', '::ffff:13.91.1.2', as(16509, 'Amazon.com, Inc.')],
    ['an IPv6 address', '2001:4860:4860::8888', as(15169, 'Google LLC')],
    ['the first IPv6 address of a range', '2001:e60::', as(4766, 'Korea Telecom')],
    ['the last IPv6 address of a range', '2001:e60:ffff:ffff:ffff:ffff:ffff:ffff', as(4766, 'Korea Telecom')],
  ])('when %s is looked up, then its AS is found', (_case, ip, expected) => {
    expect(lookup(table, ip)).toEqual(expected);
  });

  test.each([
    ['just before the first range', '0.255.255.255'],
    ['just after a range, in a gap', '1.0.1.0'],
    ['just before a range', '1.0.3.255'],
    ['just after the last IPv6 range', '2001:4861::'],
    ['just before an IPv6 range', '2001:e5f:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['IPv6 before every range', '2000::1'],
  ])('when an address %s is looked up, then nothing is found', (_case, ip) => {
    expect(lookup(table, ip)).toBeNull();
  });

  test('when the table is empty, then nothing is found', () => {
    const empty = AsnTable.fromCsv([]);
    expect(lookup(empty, '1.2.3.4')).toBeNull();
    expect(lookup(empty, '2001:e60::1')).toBeNull();
  });

  test('when rows give addresses as text, unsorted, with a header and comments, then they are read', () => {
    const t = AsnTable.fromCsv([
      [
        'range_start,range_end,AS_number,AS_organisation',
        '# a deployment-specific file',
        '',
        '2001:e60::,2001:e60:ffff:ffff:ffff:ffff:ffff:ffff,AS4766,Korea Telecom',
        '13.124.0.0,13.125.255.255,16509,"Amazon.com, Inc."',
        '1.2.3.0,1.2.3.255,4766',
      ].join('\n'),
    ]);
    expect(t.size).toEqual({ ipv4: 2, ipv6: 1 });
    expect(lookup(t, '13.124.63.251')).toEqual(as(16509, 'Amazon.com, Inc.'));
    expect(lookup(t, '1.2.3.4')).toEqual(as(4766));
    expect(lookup(t, '2001:e60::1')).toEqual(as(4766, 'Korea Telecom'));
  });

  test('when a range starts inside the one before it, then the later one answers for the overlap', () => {
    // As in the shipped data (one such pair): 1.0.0.0-1.0.0.200 and 1.0.0.100-1.0.1.255.
    const t = AsnTable.fromCsv(['16777216,16777416,1,A\n16777316,16777727,2,B']);
    expect(lookup(t, '1.0.0.50')).toEqual(as(1, 'A'));
    expect(lookup(t, '1.0.0.150')).toEqual(as(2, 'B'));
    expect(lookup(t, '1.0.1.255')).toEqual(as(2, 'B'));
  });

  test('when a row has AS 0 (not routed), then its range has no AS', () => {
    const t = AsnTable.fromCsv(['1.0.0.0,1.0.0.255,0,unrouted']);
    expect(lookup(t, '1.0.0.1')).toBeNull();
  });

  test.each([
    ['too few fields', '1.0.0.0,1.0.0.255', /line 2: expected start,end,asn/],
    ['a bound that is not an address', '1.0.0.0,banana,5,x', /line 2: "banana" is neither/],
    ['start after end', '1.0.0.9,1.0.0.1,5,x', /line 2: start is after end/],
    ['mixed families', '1.0.0.0,2001::1,5,x', /line 2: start and end are of different families/],
    ['a bad AS number', '1.0.0.0,1.0.0.9,ASX,x', /line 2: "ASX" is not an AS number/],
    ['an AS number above 32 bits', '1.0.0.0,1.0.0.9,4294967296,x', /is not an AS number/],
    ['an unterminated quote', '1.0.0.0,1.0.0.9,5,"open', /unterminated quoted org/],
    ['a bound above 128 bits', `1,${'9'.repeat(39)},5,x`, /larger than an IPv6 address/],
  ])('when a row has %s, then compiling fails naming the line', (_case, row, message) => {
    // After a good first row, so the header rule does not skip it.
    expect(() => AsnTable.fromCsv([`1.2.3.0,1.2.3.255,1,ok\n${row}`])).toThrow(message);
    expect(() => AsnTable.fromCsv([`1.2.3.0,1.2.3.255,1,ok\n${row}`])).toThrow(AsnCsvError);
  });

  test('when an error is in the second text, then it names that source and line', () => {
    expect(() => AsnTable.fromCsv([V4_NUM, 'x\n1.0.0.0,1.0.0.1'], (i) => `file-${i}.csv`)).toThrow(
      'file-1.csv line 2: expected start,end,asn[,org]',
    );
  });

  test('when the table is written as bytes and read back, then it answers the same', () => {
    const copy = AsnTable.fromBuffer(table.toBuffer());
    expect(copy.size).toEqual(table.size);
    for (const ip of [
      '1.0.0.0',
      '1.0.0.255',
      '1.0.1.0',
      '255.255.255.255',
      '2001:4860::1',
      '2001:e60::',
      '2000::1',
    ]) {
      expect(lookup(copy, ip)).toEqual(lookup(table, ip));
    }
  });

  test('when the bytes are read from an offset that is not 8-aligned, then they are still read', () => {
    const bytes = table.toBuffer();
    const shifted = Buffer.alloc(bytes.length + 3);
    bytes.copy(shifted, 3);
    expect(lookup(AsnTable.fromBuffer(shifted.subarray(3)), '2001:e60::1')).toEqual(
      as(4766, 'Korea Telecom'),
    );
  });

  test.each([
    ['not a table', Buffer.from('hello world, this is no table at all')],
    ['cut short', table.toBuffer().subarray(0, 100)],
  ])('when the bytes are %s, then reading them fails', (_case, bytes) => {
    expect(() => AsnTable.fromBuffer(bytes)).toThrow(/compiled ASN table/);
  });
});

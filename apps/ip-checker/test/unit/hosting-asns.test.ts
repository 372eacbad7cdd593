import { readFileSync, writeFileSync } from 'node:fs';
import { AsnTable } from '../../src/data-access/asn-table';
import { defaultAsnDatabase } from '../../src/data-access/default-database';
import {
  DEFAULT_HOSTING_ASNS_PATH,
  HostingAsnsError,
  hostingAsnsFile,
  loadHostingAsns,
} from '../../src/data-access/hosting-asns';
import { TempDir, tempDir } from '../support/fixtures';

const entry = (asn: number, extra: Record<string, unknown> = {}) => ({
  asn,
  name: `provider ${asn}`,
  kind: 'hosting',
  source: `https://bgp.he.net/AS${asn}`,
  ...extra,
});

describe('the hosting ASN list', () => {
  let dir: TempDir;
  beforeAll(() => {
    dir = tempDir('hosting');
  });
  afterAll(() => dir.remove());

  const write = (name: string, content: unknown) => {
    const path = dir.file(name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  test('when the shipped list is loaded, then the global clouds and the Korean ones are hosting', () => {
    const list = loadHostingAsns(DEFAULT_HOSTING_ASNS_PATH);
    for (const asn of [16509, 14618, 15169, 396982, 8075, 45102, 37963, 132203, 45090, 31898, 14061, 16276]) {
      expect(list.has(asn)).toBe(true);
    }
    for (const asn of [24940, 63949, 20473, 13335, 51167, 60781, 16265, 9009, 60068]) {
      expect(list.has(asn)).toBe(true);
    }
    for (const asn of [23576, 135354, 45974, 10038, 152232, 9947, 17589, 9286, 38700]) {
      expect(list.has(asn)).toBe(true);
    }
  });

  test('when an ISP or mobile carrier is checked against the shipped list, then it is not hosting', () => {
    const list = loadHostingAsns(DEFAULT_HOSTING_ASNS_PATH);
    // KT, LG U+ (LG DACOM), SK Broadband, SK Telecom.
    for (const asn of [4766, 3786, 9318, 18302]) expect(list.has(asn)).toBe(false);
  });

  test('when a deployment gives its own list, then it replaces the shipped one', () => {
    const list = loadHostingAsns(
      write('own.json', { entries: [entry(64512), entry(4766, { kind: 'vpn' })] }),
    );
    expect(list.size).toBe(2);
    expect(list.has(64512)).toBe(true);
    expect(list.has(4766)).toBe(true);
    expect(list.has(16509)).toBe(false);
  });

  test('when a list is empty, then nothing is hosting', () => {
    const list = loadHostingAsns(write('empty.json', { entries: [] }));
    expect(list.has(16509)).toBe(false);
  });

  test.each([
    ['missing', () => dir.file('nope.json'), /no such file/],
    ['not JSON', () => write('bad.json', '{"entries": ['), /not JSON/],
    ['without entries', () => write('noentries.json', { asns: [1] }), /entries: /],
    [
      'with an AS number that is not positive',
      () => write('zero.json', { entries: [entry(0)] }),
      /entries\.0\.asn/,
    ],
    [
      'with an unknown kind',
      () => write('kind.json', { entries: [entry(5, { kind: 'isp' })] }),
      /entries\.0\.kind/,
    ],
    [
      'with a source that is not a URL',
      () => write('source.json', { entries: [entry(5, { source: 'trust me' })] }),
      /entries\.0\.source/,
    ],
  ])('when the file is %s, then loading fails naming the file and the problem', (_case, pathOf, problem) => {
    const path = pathOf();
    let err: unknown;
    try {
      loadHostingAsns(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HostingAsnsError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(problem);
  });
});

describe('the shipped hosting list against the shipped ASN data', () => {
  // Every entry's asOrg must be the org the shipped data gives its ASN: a wrong or reused number
  // shows up here when the data is updated.
  const { entries } = hostingAsnsFile.parse(JSON.parse(readFileSync(DEFAULT_HOSTING_ASNS_PATH, 'utf8')));
  const { paths } = defaultAsnDatabase();
  const texts = paths.map((p) => readFileSync(p, 'utf8'));
  const orgsByAsn = new Map<number, Set<string>>();
  beforeAll(() => {
    // The rows themselves, not the table: the table answers by address, this checks by AS.
    for (const text of texts) {
      for (const line of text.split('\n')) {
        const m = /^\d+,\d+,(\d+),(.*)$/.exec(line);
        if (!m) continue;
        const org = m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/""/g, '"') : m[2]!;
        const set = orgsByAsn.get(Number(m[1])) ?? new Set<string>();
        set.add(org);
        orgsByAsn.set(Number(m[1]), set);
      }
    }
  });

  test('when each entry is looked up in the ASN data, then its asOrg is the org the data names', () => {
    const mismatches = entries
      .filter((e) => !orgsByAsn.get(e.asn)?.has(e.asOrg ?? ''))
      .map(
        (e) =>
          `AS${e.asn} ${e.asOrg}: data has ${[...(orgsByAsn.get(e.asn) ?? [])].join(' | ') || 'nothing'}`,
      );
    expect(mismatches).toEqual([]);
  });

  test('when the list is read, then every ASN appears once, with its source', () => {
    const asns = entries.map((e) => e.asn);
    expect(new Set(asns).size).toBe(asns.length);
    for (const e of entries) expect(e.source).toBe(`https://bgp.he.net/AS${e.asn}`);
  });

  test('when an AWS Seoul address is looked up in the shipped table, then its AS is on the list', () => {
    const table = AsnTable.fromCsv(texts);
    expect(table.lookup('13.124.63.251', 4)).toEqual({
      autonomous_system_number: 16509,
      autonomous_system_organization: 'Amazon.com, Inc.',
    });
    expect(entries.some((e) => e.asn === 16509)).toBe(true);
  });
});

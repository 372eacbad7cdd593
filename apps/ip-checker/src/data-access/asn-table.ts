import { isIPv4, isIPv6 } from 'node:net';
import { normalizeAddress } from '../domain/address';
import type { AddressFamily } from '../domain/address';

/** One autonomous system as the lookup answers it, in the record shape of GeoLite2-ASN. */
export interface AsnRecord {
  autonomous_system_number: number;
  autonomous_system_organization?: string;
}

/** A CSV row that cannot be used: the line number (1-based) and why. */
export class AsnCsvError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
    /** The file (or other source) the line is in, when known. */
    readonly source?: string,
  ) {
    super(`${source ? `${source} ` : ''}line ${line}: ${problem}`);
    this.name = 'AsnCsvError';
  }
}

const MAX_V4 = 0xffffffff;
/** The compiled form's format; a change of layout needs a new one. */
const MAGIC = 'ASNTBL01';
const HEADER_BYTES = 24;
const MAX_ASN = 4_294_967_295;
const MASK64 = (1n << 64n) - 1n;

/**
 * An address range → AS table, compiled for lookups by binary search over sorted range starts.
 * IPv4: three Uint32Arrays (start, end, asn) and an org index into one string table. IPv6: the
 * same with the 128-bit bounds as two BigUint64Arrays each (high and low 64 bits).
 *
 * Where two ranges overlap, the one that starts later (the more specific one in the shipped
 * data) answers for the overlap.
 */
export class AsnTable {
  /** Use `AsnTable.fromCsv`. */
  constructor(
    private readonly v4: { start: Uint32Array; end: Uint32Array; asn: Uint32Array; org: Uint32Array },
    private readonly v6: {
      startHi: BigUint64Array;
      startLo: BigUint64Array;
      endHi: BigUint64Array;
      endLo: BigUint64Array;
      asn: Uint32Array;
      org: Uint32Array;
    },
    private readonly orgs: readonly string[],
  ) {}

  /** Ranges per family. */
  get size(): { ipv4: number; ipv6: number } {
    return { ipv4: this.v4.start.length, ipv6: this.v6.asn.length };
  }

  /**
   * The AS of a normalized address (as `normalizeAddress` gives it: a dotted quad, or eight hex
   * groups), or null when no range holds it.
   */
  lookup(address: string, family: AddressFamily): AsnRecord | null {
    const i = family === 4 ? this.find4(ipv4Number(address)) : this.find6(ipv6Halves(address));
    if (i < 0) return null;
    const t = family === 4 ? this.v4 : this.v6;
    const org = this.orgs[t.org[i]!];
    return org
      ? { autonomous_system_number: t.asn[i]!, autonomous_system_organization: org }
      : { autonomous_system_number: t.asn[i]! };
  }

  private find4(x: number): number {
    const { start, end } = this.v4;
    let lo = 0;
    let hi = start.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (start[mid]! <= x) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && x <= end[found]! ? found : -1;
  }

  private find6([xHi, xLo]: [bigint, bigint]): number {
    const { startHi, startLo, endHi, endLo } = this.v6;
    let lo = 0;
    let hi = startHi.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const sHi = startHi[mid]!;
      if (sHi < xHi || (sHi === xHi && startLo[mid]! <= xLo)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return -1;
    const eHi = endHi[found]!;
    return xHi < eHi || (xHi === eHi && xLo <= endLo[found]!) ? found : -1;
  }

  /**
   * The compiled table as bytes (`fromBuffer` reads them back without parsing): a header, the
   * 64-bit IPv6 bounds, the 32-bit columns, then the org table as JSON.
   */
  toBuffer(): Buffer {
    const orgs = Buffer.from(JSON.stringify(this.orgs));
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(this.v4.start.length, 8);
    header.writeUInt32LE(this.v6.asn.length, 12);
    header.writeUInt32LE(orgs.length, 16);
    const v6 = this.v6;
    const v4 = this.v4;
    const columns: ArrayBufferView[] = [
      v6.startHi,
      v6.startLo,
      v6.endHi,
      v6.endLo,
      v4.start,
      v4.end,
      v4.asn,
      v4.org,
      v6.asn,
      v6.org,
    ];
    return Buffer.concat([
      header,
      ...columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)),
      orgs,
    ]);
  }

  /** Reads what `toBuffer` wrote; throws when the bytes are not such a table. */
  static fromBuffer(bytes: Buffer): AsnTable {
    if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 8) !== MAGIC) {
      throw new Error('not a compiled ASN table');
    }
    const n4 = bytes.readUInt32LE(8);
    const n6 = bytes.readUInt32LE(12);
    const orgBytes = bytes.readUInt32LE(16);
    const expected = HEADER_BYTES + n6 * 8 * 4 + n4 * 4 * 4 + n6 * 4 * 2 + orgBytes;
    if (bytes.length !== expected) throw new Error('compiled ASN table of the wrong size');
    // Typed arrays need their alignment: copy when the buffer does not start on 8 bytes.
    const buf = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
    let at = buf.byteOffset + HEADER_BYTES;
    const u64 = () => {
      const a = new BigUint64Array(buf.buffer, at, n6);
      at += n6 * 8;
      return a;
    };
    const u32 = (n: number) => {
      const a = new Uint32Array(buf.buffer, at, n);
      at += n * 4;
      return a;
    };
    const [startHi, startLo, endHi, endLo] = [u64(), u64(), u64(), u64()];
    const [start, end, asn4, org4] = [u32(n4), u32(n4), u32(n4), u32(n4)];
    const [asn6, org6] = [u32(n6), u32(n6)];
    const orgs: unknown = JSON.parse(
      buf.toString('utf8', at - buf.byteOffset, at - buf.byteOffset + orgBytes),
    );
    if (!Array.isArray(orgs) || !orgs.every((o) => typeof o === 'string')) {
      throw new Error('compiled ASN table with a bad org table');
    }
    for (const ids of [org4, org6]) {
      for (let i = 0; i < ids.length; i++) {
        if (ids[i]! >= orgs.length) throw new Error('compiled ASN table with a bad org index');
      }
    }
    return new AsnTable(
      { start, end, asn: asn4, org: org4 },
      { startHi, startLo, endHi, endLo, asn: asn6, org: org6 },
      orgs as string[],
    );
  }

  /**
   * Compiles CSV text with rows `start,end,asn[,org]`: the bounds as addresses (`1.0.0.0`,
   * `2001:200::`) or as numbers (ip-location-db's `-num` files, where a bound above 2³²−1 is
   * IPv6), the org RFC 4180-quoted when it holds a comma or quote. Empty lines and lines starting
   * with `#` are skipped, and so is a first line that is a header. IPv4 and IPv6 rows may be
   * mixed in one text; several texts (the shipped IPv4 and IPv6 files) make one table.
   */
  static fromCsv(texts: Iterable<string>, sourceOf?: (index: number) => string): AsnTable {
    const b = new Builder();
    let i = 0;
    // One text at a time: an iterable that reads files keeps only one in memory.
    for (const text of texts) {
      try {
        b.addCsv(text);
      } catch (err) {
        if (err instanceof AsnCsvError && sourceOf) throw new AsnCsvError(err.line, err.problem, sourceOf(i));
        throw err;
      }
      i++;
    }
    return b.build();
  }
}

const ipv4Number = (address: string): number => {
  const p = address.split('.');
  return ((Number(p[0]) << 24) >>> 0) + (Number(p[1]) << 16) + (Number(p[2]) << 8) + Number(p[3]);
};

/** High and low 64 bits of a normalized IPv6 address (eight hex groups). */
const ipv6Halves = (address: string): [bigint, bigint] => {
  const g = address.split(':');
  const half = (from: number) =>
    BigInt(
      `0x${g
        .slice(from, from + 4)
        .map((x) => x.padStart(4, '0'))
        .join('')}`,
    );
  return [half(0), half(4)];
};

/** A bound of a row as a family and a number (IPv4) or a 128-bit BigInt (IPv6). */
type Bound = { family: 4; n: number } | { family: 6; n: bigint };

const DECIMAL = /^\d{1,39}$/;

function parseBound(field: string, line: number): Bound {
  if (DECIMAL.test(field)) {
    // Up to ten digits is within a double's exact range: no BigInt for the IPv4 rows.
    if (field.length <= 10) {
      const v = Number(field);
      if (v <= MAX_V4) return { family: 4, n: v };
    }
    const n = BigInt(field);
    if (n <= BigInt(MAX_V4)) return { family: 4, n: Number(n) };
    if (n >= 1n << 128n) throw new AsnCsvError(line, `${field} is larger than an IPv6 address`);
    return { family: 6, n };
  }
  if (isIPv4(field) || isIPv6(field)) {
    const a = normalizeAddress(field);
    if (a.family === 4) return { family: 4, n: ipv4Number(a.address) };
    const [hi, lo] = ipv6Halves(a.address);
    return { family: 6, n: (hi << 64n) | lo };
  }
  throw new AsnCsvError(line, `"${field.slice(0, 60)}" is neither an IP address nor a number`);
}

/** The org field: the rest of the line, unquoted when quoted (`"Cloudflare, Inc."`, `""` = `"`). */
function parseOrg(rest: string, line: number): string {
  if (!rest.startsWith('"')) return rest.trim();
  if (!rest.endsWith('"') || rest.length < 2) throw new AsnCsvError(line, 'unterminated quoted org');
  return rest.slice(1, -1).replace(/""/g, '"').trim();
}

/**
 * A Uint32Array that grows as rows are added: 400,000 IPv4 rows in plain arrays would be
 * 1.6 million heap numbers (addresses above 2³⁰ are not small integers).
 */
class Column32 {
  private data = new Uint32Array(1024);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  /** The values, in an array of their own size. */
  values(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

class Builder {
  private line = 0;
  private readonly orgIndex = new Map<string, number>([['', 0]]);
  readonly orgs: string[] = [''];
  private readonly v4 = {
    start: new Column32(),
    end: new Column32(),
    asn: new Column32(),
    org: new Column32(),
  };
  private readonly v6: { start: bigint[]; end: bigint[]; asn: number[]; org: number[] } = {
    start: [],
    end: [],
    asn: [],
    org: [],
  };

  addCsv(text: string) {
    let first = true;
    let pos = 0;
    this.line = 0;
    while (pos <= text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      let row = text.slice(pos, nl);
      pos = nl + 1;
      this.line++;
      if (row.endsWith('\r')) row = row.slice(0, -1);
      if (row === '' || row.startsWith('#')) continue;
      const header = first && !/^[\d.:a-fA-F]+,/.test(row);
      first = false;
      if (!header) this.addRow(row);
    }
  }

  private addRow(row: string) {
    const line = this.line;
    const c1 = row.indexOf(',');
    const c2 = c1 < 0 ? -1 : row.indexOf(',', c1 + 1);
    if (c2 < 0) throw new AsnCsvError(line, 'expected start,end,asn[,org]');
    const c3 = row.indexOf(',', c2 + 1);
    const asnField = (c3 < 0 ? row.slice(c2 + 1) : row.slice(c2 + 1, c3)).trim();
    const start = parseBound(row.slice(0, c1).trim(), line);
    const end = parseBound(row.slice(c1 + 1, c2).trim(), line);
    if (start.family !== end.family) throw new AsnCsvError(line, 'start and end are of different families');
    if (start.n > end.n) throw new AsnCsvError(line, 'start is after end');
    const asn = /^(AS)?\d{1,10}$/i.test(asnField) ? Number(asnField.replace(/^AS/i, '')) : NaN;
    if (!(asn >= 0 && asn <= MAX_ASN)) {
      throw new AsnCsvError(line, `"${asnField.slice(0, 20)}" is not an AS number`);
    }
    // AS 0 is "not routed" (RFC 7607): no AS to report, so no row.
    if (asn === 0) return;
    const org = c3 < 0 ? '' : parseOrg(row.slice(c3 + 1), line);
    let orgId = this.orgIndex.get(org);
    if (orgId === undefined) {
      orgId = this.orgs.length;
      this.orgs.push(org);
      this.orgIndex.set(org, orgId);
    }
    const t = start.family === 4 ? this.v4 : this.v6;
    (t.start as { push(v: number | bigint): void }).push(start.n);
    (t.end as { push(v: number | bigint): void }).push(end.n);
    t.asn.push(asn);
    t.org.push(orgId);
  }

  build(): AsnTable {
    const c = this.v4;
    let v4 = { start: c.start.values(), end: c.end.values(), asn: c.asn.values(), org: c.org.values() };
    const order4 = orderOf(v4.start, (a, b) => a - b);
    if (order4) {
      const pick = (xs: Uint32Array) => Uint32Array.from(order4, (i) => xs[i]!);
      v4 = { start: pick(v4.start), end: pick(v4.end), asn: pick(v4.asn), org: pick(v4.org) };
    }
    let v6 = this.v6;
    const order6 = orderOf(v6.start, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (order6) {
      const pick = <T>(xs: T[]) => order6.map((i) => xs[i]!);
      v6 = { start: pick(v6.start), end: pick(v6.end), asn: pick(v6.asn), org: pick(v6.org) };
    }
    const hi = (xs: bigint[]) => BigUint64Array.from(xs, (x) => x >> 64n);
    const lo = (xs: bigint[]) => BigUint64Array.from(xs, (x) => x & MASK64);
    return new AsnTable(
      v4,
      {
        startHi: hi(v6.start),
        startLo: lo(v6.start),
        endHi: hi(v6.end),
        endLo: lo(v6.end),
        asn: Uint32Array.from(v6.asn),
        org: Uint32Array.from(v6.org),
      },
      // Substrings point into the whole CSV text; copies let it go.
      JSON.parse(JSON.stringify(this.orgs)) as string[],
    );
  }
}

/**
 * The order that sorts the rows by start (ties keep their order), or undefined when they are
 * sorted already (the shipped files are; a deployment's own CSV may not be).
 */
function orderOf<T>(starts: ArrayLike<T>, compare: (a: T, b: T) => number): number[] | undefined {
  let sorted = true;
  for (let i = 1; i < starts.length && sorted; i++) sorted = compare(starts[i - 1]!, starts[i]!) <= 0;
  if (sorted) return undefined;
  return Array.from({ length: starts.length }, (_, i) => i).sort(
    (a, b) => compare(starts[a]!, starts[b]!) || a - b,
  );
}

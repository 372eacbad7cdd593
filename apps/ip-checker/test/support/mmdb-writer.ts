/**
 * TEST-ONLY writer of MaxMind DB files (format 2.0, https://maxmind.github.io/MaxMind-DB/), so
 * tests can make small databases with known networks. No maintained npm package writes mmdb.
 *
 * Layout written: the binary search tree (`node_count` nodes of two records each), 16 zero
 * bytes, the data section (each distinct value once; no pointers inside values), then
 * "\xAB\xCD\xEFMaxMind.com" and the metadata map. IPv6 trees hold IPv4 networks at ::/96, where
 * readers start IPv4 lookups.
 *
 * Networks are applied in the order given: a later network overrides what an earlier one said
 * about the addresses they share (a more specific one splits the earlier entry).
 */
import { writeFileSync, renameSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';

/** Explicitly typed numbers, for the types a plain JS number cannot pick by itself. */
export type TypedNumber =
  | { type: 'uint16' | 'uint32' | 'int32' | 'double' | 'float'; value: number }
  | { type: 'uint64' | 'uint128'; value: bigint | number };

export type MmdbValue =
  string | number | bigint | boolean | Buffer | TypedNumber | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** `1.2.3.0/24` or `2001:db8::/32`. */
  network: string;
  data: MmdbValue;
}

export interface MmdbOptions {
  databaseType: string;
  /** Build time (the `build_epoch` metadata). */
  buildDate: Date;
  ipVersion?: 4 | 6;
  recordSize?: 24 | 28 | 32;
  description?: Record<string, string>;
  languages?: string[];
  networks: MmdbNetwork[];
}

// ---- data section encoding -------------------------------------------------------------------

const TYPE = {
  utf8: 2,
  double: 3,
  bytes: 4,
  uint16: 5,
  uint32: 6,
  map: 7,
  int32: 8,
  uint64: 9,
  uint128: 10,
  array: 11,
  boolean: 14,
  float: 15,
} as const;

/** Control byte (type in the top 3 bits, or 0 and an extended-type byte) and the size bytes. */
function control(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 29 + 256) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 285 + 65536) {
    sizeBits = 30;
    const v = size - 285;
    extra.push(v >> 8, v & 0xff);
  } else {
    sizeBits = 31;
    const v = size - 65821;
    if (v >= 1 << 24) throw new Error(`value too large for the mmdb format: ${size} bytes`);
    extra.push((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  }
  bytes.push(((type <= 7 ? type : 0) << 5) | sizeBits);
  if (type > 7) bytes.push(type - 7);
  return Buffer.from([...bytes, ...extra]);
}

function unsignedBytes(value: bigint, maxBytes: number): Buffer {
  if (value < 0n) throw new Error(`negative value ${value} in an unsigned type`);
  const out: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  if (out.length > maxBytes) throw new Error(`value ${value} does not fit in ${maxBytes} bytes`);
  return Buffer.from(out);
}

function encodeUnsigned(type: number, value: bigint | number, maxBytes: number): Buffer {
  const payload = unsignedBytes(BigInt(value), maxBytes);
  return Buffer.concat([control(type, payload.length), payload]);
}

function isTyped(v: object): v is TypedNumber {
  return (
    'type' in v &&
    'value' in v &&
    Object.keys(v).length === 2 &&
    typeof (v as { type: unknown }).type === 'string'
  );
}

export function encodeValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const payload = Buffer.from(value, 'utf8');
    return Buffer.concat([control(TYPE.utf8, payload.length), payload]);
  }
  if (typeof value === 'boolean') return control(TYPE.boolean, value ? 1 : 0);
  if (typeof value === 'bigint')
    return encodeUnsigned(value < 1n << 64n ? TYPE.uint64 : TYPE.uint128, value, 16);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff)
      return encodeUnsigned(TYPE.uint32, value, 4);
    if (Number.isInteger(value) && value < 0 && value >= -0x80000000)
      return encodeValue({ type: 'int32', value });
    return encodeValue({ type: 'double', value });
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([control(TYPE.bytes, value.length), value]);
  if (Array.isArray(value))
    return Buffer.concat([control(TYPE.array, value.length), ...value.map(encodeValue)]);
  if (isTyped(value)) {
    switch (value.type) {
      case 'uint16':
        return encodeUnsigned(TYPE.uint16, value.value, 2);
      case 'uint32':
        return encodeUnsigned(TYPE.uint32, value.value, 4);
      case 'uint64':
        return encodeUnsigned(TYPE.uint64, value.value, 8);
      case 'uint128':
        return encodeUnsigned(TYPE.uint128, value.value, 16);
      case 'int32': {
        const payload = Buffer.alloc(4);
        payload.writeInt32BE(value.value);
        return Buffer.concat([control(TYPE.int32, 4), payload]);
      }
      case 'double': {
        const payload = Buffer.alloc(8);
        payload.writeDoubleBE(value.value);
        return Buffer.concat([control(TYPE.double, 8), payload]);
      }
      case 'float': {
        const payload = Buffer.alloc(4);
        payload.writeFloatBE(value.value);
        return Buffer.concat([control(TYPE.float, 4), payload]);
      }
    }
  }
  const entries = Object.entries(value);
  return Buffer.concat([
    control(TYPE.map, entries.length),
    ...entries.flatMap(([k, v]) => [encodeValue(k), encodeValue(v)]),
  ]);
}

// ---- search tree -----------------------------------------------------------------------------

type TreeRecord = { kind: 'empty' } | { kind: 'data'; offset: number } | { kind: 'node'; node: TreeNode };
interface TreeNode {
  left: TreeRecord;
  right: TreeRecord;
}

function ipv6Bytes(text: string): number[] {
  let head = text;
  const tail: number[] = [];
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    tail.push(...quad.slice(1).map(Number));
    head = text.slice(0, quad.index);
  }
  const groups = (part: string) =>
    part
      .split(':')
      .filter((g) => g !== '')
      .flatMap((g) => {
        const n = parseInt(g, 16);
        return [n >> 8, n & 0xff];
      });
  const [left, right] = head.split('::') as [string, string | undefined];
  if (right === undefined) return [...groups(left), ...tail];
  const l = groups(left);
  const r = [...groups(right), ...tail];
  return [...l, ...new Array<number>(16 - l.length - r.length).fill(0), ...r];
}

/** The network's address bits in the tree's address space, and its prefix length there. */
function networkBits(network: string, ipVersion: 4 | 6): { bytes: number[]; prefix: number } {
  const [address, prefixText] = network.split('/') as [string, string | undefined];
  const prefix = Number(prefixText);
  if (isIPv4(address)) {
    if (!(prefix >= 1 && prefix <= 32)) throw new Error(`bad IPv4 prefix in ${network}`);
    const v4 = address.split('.').map(Number);
    return ipVersion === 4
      ? { bytes: v4, prefix }
      : { bytes: [...new Array<number>(12).fill(0), ...v4], prefix: 96 + prefix };
  }
  if (isIPv6(address)) {
    if (ipVersion === 4) throw new Error(`${network}: an IPv6 network in an IPv4 database`);
    if (!(prefix >= 1 && prefix <= 128)) throw new Error(`bad IPv6 prefix in ${network}`);
    return { bytes: ipv6Bytes(address), prefix };
  }
  throw new Error(`not a network: ${network}`);
}

function insert(root: TreeNode, bytes: number[], prefix: number, leaf: TreeRecord): void {
  let node = root;
  for (let depth = 0; depth < prefix; depth++) {
    const side = (bytes[depth >> 3]! >> (7 - (depth & 7))) & 1 ? 'right' : 'left';
    if (depth === prefix - 1) {
      node[side] = leaf;
      return;
    }
    let child = node[side];
    if (child.kind !== 'node') {
      // Going deeper than an earlier (shorter) network: both halves keep what it said.
      child = { kind: 'node', node: { left: child, right: child } };
      node[side] = child;
    }
    node = child.node;
  }
}

function writeNode(out: Buffer, offset: number, recordSize: number, left: number, right: number): void {
  const max = 2 ** recordSize;
  if (left >= max || right >= max) throw new Error(`record value does not fit in ${recordSize} bits`);
  if (recordSize === 24) {
    out.writeUIntBE(left, offset, 3);
    out.writeUIntBE(right, offset + 3, 3);
  } else if (recordSize === 28) {
    out.writeUIntBE(left & 0xffffff, offset, 3);
    out[offset + 3] = (((left >>> 24) & 0x0f) << 4) | ((right >>> 24) & 0x0f);
    out.writeUIntBE(right & 0xffffff, offset + 4, 3);
  } else {
    out.writeUInt32BE(left, offset);
    out.writeUInt32BE(right, offset + 4);
  }
}

const METADATA_MARKER = Buffer.from('ABCDEF4D61784D696E642E636F6D', 'hex');

/** The bytes of a MaxMind DB file with the given networks. */
export function buildMmdb(opts: MmdbOptions): Buffer {
  const ipVersion = opts.ipVersion ?? 6;
  const recordSize = opts.recordSize ?? 28;

  // Data section: each distinct value encoded once, every network with it pointing there.
  const chunks: Buffer[] = [];
  const offsets = new Map<string, number>();
  let dataSize = 0;
  const root: TreeNode = { left: { kind: 'empty' }, right: { kind: 'empty' } };
  for (const { network, data } of opts.networks) {
    const encoded = encodeValue(data);
    const key = encoded.toString('hex');
    let offset = offsets.get(key);
    if (offset === undefined) {
      offset = dataSize;
      offsets.set(key, offset);
      chunks.push(encoded);
      dataSize += encoded.length;
    }
    const { bytes, prefix } = networkBits(network, ipVersion);
    insert(root, bytes, prefix, { kind: 'data', offset });
  }

  // Number the nodes breadth-first; the root is node 0.
  const nodes: TreeNode[] = [];
  const index = new Map<TreeNode, number>();
  const queue: TreeNode[] = [root];
  while (queue.length) {
    const node = queue.shift()!;
    index.set(node, nodes.length);
    nodes.push(node);
    for (const child of [node.left, node.right]) if (child.kind === 'node') queue.push(child.node);
  }
  const nodeCount = nodes.length;
  const value = (r: TreeRecord) =>
    r.kind === 'node' ? index.get(r.node)! : r.kind === 'empty' ? nodeCount : nodeCount + 16 + r.offset;

  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  nodes.forEach((n, i) => writeNode(tree, i * nodeBytes, recordSize, value(n.left), value(n.right)));

  const metadata = encodeValue({
    node_count: { type: 'uint32', value: nodeCount },
    record_size: { type: 'uint16', value: recordSize },
    ip_version: { type: 'uint16', value: ipVersion },
    database_type: opts.databaseType,
    languages: opts.languages ?? ['en'],
    binary_format_major_version: { type: 'uint16', value: 2 },
    binary_format_minor_version: { type: 'uint16', value: 0 },
    build_epoch: { type: 'uint64', value: BigInt(Math.floor(opts.buildDate.getTime() / 1000)) },
    description: opts.description ?? { en: `${opts.databaseType} (test data)` },
  });

  return Buffer.concat([tree, Buffer.alloc(16), ...chunks, METADATA_MARKER, metadata]);
}

/** Writes a database to `path`. */
export function writeMmdb(path: string, opts: MmdbOptions): void {
  writeFileSync(path, buildMmdb(opts));
}

/** Replaces `path` the way database updaters should: a new file beside it, renamed over it. */
export function replaceMmdb(path: string, opts: MmdbOptions): void {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeMmdb(temp, opts);
  renameSync(temp, path);
}

import fs from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { problemOf } from './watched-file';

/** The list shipped with the service, used when HOSTING_ASNS_PATH is not set. */
export const DEFAULT_HOSTING_ASNS_PATH = join(__dirname, '..', '..', 'data', 'hosting-asns.json');

const MAX_ASN = 4_294_967_295;

/** What the classification uses is `asn`; the other fields document the entry. */
const entry = z.object({
  asn: z.number().int().min(1).max(MAX_ASN),
  /** Who runs it, in words. */
  name: z.string().min(1).max(200),
  /** The AS's organisation in the ASN data the entry was checked against. */
  asOrg: z.string().max(256).optional(),
  kind: z.enum(['cloud', 'hosting', 'vpn', 'proxy']),
  /** Where the entry can be checked. */
  source: z.string().url(),
});

export const hostingAsnsFile = z.object({
  description: z.string().optional(),
  entries: z.array(entry),
});

export type HostingAsnEntry = z.infer<typeof entry>;

export class HostingAsnsError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`cannot read the hosting ASN list ${path}: ${problem}`);
    this.name = 'HostingAsnsError';
  }
}

/** The ASNs whose addresses are `network: hosting`. */
export interface HostingAsns {
  path: string;
  has(asn: number): boolean;
  size: number;
}

/** Reads and checks a hosting ASN list (see data/hosting-asns.json for the format). */
export function loadHostingAsns(path: string): HostingAsns {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new HostingAsnsError(path, problemOf(err) ?? String(err));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HostingAsnsError(path, `not JSON (${(err as Error).message})`);
  }
  const parsed = hostingAsnsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HostingAsnsError(path, `${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  const asns = new Set(parsed.data.entries.map((e) => e.asn));
  return { path, has: (asn) => asns.has(asn), size: asns.size };
}

import fs, { Stats } from 'node:fs';
import maxmind, { Reader, Response } from 'maxmind';
import { CONTROL_CHARS, Logger } from '@account-security/shared';
import type { AddressFamily } from '../domain/address';

/** A GeoIP file that cannot be used: missing, unreadable, or not a MaxMind DB. */
export class MmdbOpenError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`cannot open GeoIP database ${path}: ${problem}`);
    this.name = 'MmdbOpenError';
  }
}

export interface MmdbFileStatus {
  path: string;
  /** `<type> <build date>`, as in `geo.database`. */
  name: string;
  type: string;
  buildDate: string;
  ipVersion: AddressFamily;
  loadedAt: string;
  /** Why the last reload failed (the previous data stays in use), until one succeeds. */
  reloadError?: string;
}

export interface MmdbFile {
  readonly path: string;
  /** The record for an address and the name of the data it came from, from one loaded file. */
  lookup(address: string, family: AddressFamily): { record: unknown; name: string };
  name(): string;
  status(): MmdbFileStatus;
  /** Stops watching the file. */
  close(): void;
}

export interface MmdbFileOptions {
  /** Decoded records kept in maxmind's LRU cache; each load starts with an empty one. */
  cacheSize: number;
  /** Check the file for replacement this often; no watching when unset. */
  watchIntervalMs?: number;
  /** Replaces the metadata's `database_type` in the name (whose own type says little). */
  label?: string;
  logger: Logger;
}

interface Loaded {
  reader: Reader<Response>;
  /** Identity of the file read: a different one at the path means it was replaced. */
  signature: string;
  type: string;
  buildDate: string;
  name: string;
  ipVersion: AddressFamily;
  loadedAt: Date;
}

/** Runs of the characters the contracts refuse in text. */
const CONTROL_RUNS = new RegExp(`${CONTROL_CHARS.source}+`, 'g');
/** The metadata's type ends up in every event's `geo.database`, which must be printable. */
const printable = (s: string) => s.replace(CONTROL_RUNS, ' ').trim().slice(0, 100);

const signatureOf = (s: Stats) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;

function problemOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
  }
  return `not a readable MaxMind DB file (${e instanceof Error ? e.message : String(err)})`;
}

async function load(path: string, opts: MmdbFileOptions): Promise<Loaded> {
  let reader: Reader<Response>;
  let signature: string;
  try {
    // Stat first: if the file is replaced before the read, the next check sees a different
    // file than this signature and loads again, so no replacement goes unnoticed.
    signature = signatureOf(await fs.promises.stat(path));
    reader = await maxmind.open<Response>(path, { cache: { max: opts.cacheSize } });
  } catch (err) {
    throw new MmdbOpenError(path, problemOf(err));
  }
  const m = reader.metadata;
  if (m.binaryFormatMajorVersion !== 2 || (m.ipVersion !== 4 && m.ipVersion !== 6) || !(m.nodeCount > 0)) {
    throw new MmdbOpenError(path, 'not a MaxMind DB 2.x file (unexpected metadata)');
  }
  const type = printable(opts.label ?? String(m.databaseType ?? '')) || 'unknown';
  const buildDate = Number.isNaN(m.buildEpoch.getTime())
    ? 'unknown-date'
    : m.buildEpoch.toISOString().slice(0, 10);
  return {
    reader,
    signature,
    type,
    buildDate,
    name: `${type} ${buildDate}`,
    ipVersion: m.ipVersion as AddressFamily,
    loadedAt: new Date(),
  };
}

/**
 * Opens an mmdb file with maxmind and, when asked, follows its replacement on disk.
 *
 * maxmind's own `watchForUpdates` is not used. It relies on fs.watchFile, whose first stat is
 * taken asynchronously after the file was read, so a replacement in between becomes the
 * baseline and is never loaded; its watcher cannot be stopped (a stopped service would keep
 * polling); and a failed reload (a file caught half-written by an in-place copy, or gone
 * between the poll and the read) rejects inside the watcher with nobody to catch it, which
 * crashes the process.
 *
 * Here the path is stat'ed every interval and compared with the file actually loaded. A reload
 * builds a complete new reader (with a new, empty LRU cache) and swaps it in with one
 * assignment: lookups are synchronous, so each sees either the old file or the new one, never
 * a mix, and no message waits or fails during the switch. A file that fails to load is
 * reported, the previous data stays in use, and that same file is not retried until it changes.
 *
 * Writing the new file beside the old one and renaming it over the path is the safe way to
 * update: the check sees a new inode and the read gets the complete new file.
 */
export async function openMmdbFile(path: string, opts: MmdbFileOptions): Promise<MmdbFile> {
  const log = opts.logger.child({ geoipFile: path });
  let current = await load(path, opts);
  let reloadError: string | undefined;
  let failedSignature: string | undefined;
  let missingReported = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  async function check() {
    let signature: string;
    try {
      signature = signatureOf(await fs.promises.stat(path));
      missingReported = false;
    } catch (err) {
      if (!missingReported) {
        log.warn(
          { err: problemOf(err), database: current.name },
          'GeoIP database file unavailable; the loaded data stays in use',
        );
        missingReported = true;
      }
      return;
    }
    if (signature === current.signature || signature === failedSignature) return;
    try {
      const next = await load(path, opts);
      if (closed) return;
      const previous = current.name;
      current = next;
      reloadError = undefined;
      failedSignature = undefined;
      log.info({ database: next.name, previous }, 'GeoIP database reloaded');
    } catch (err) {
      reloadError = err instanceof Error ? err.message : String(err);
      failedSignature = signature;
      log.error(
        { err: reloadError, database: current.name },
        'GeoIP database reload failed; the previous data stays in use',
      );
    }
  }

  const interval = opts.watchIntervalMs;
  function schedule() {
    if (closed || !interval) return;
    // One check at a time, however long a reload takes; unref'd so it never holds a stopping
    // process open.
    timer = setTimeout(() => void check().finally(schedule), interval);
    timer.unref();
  }
  schedule();

  return {
    path,
    lookup(address, family) {
      const { reader, name, ipVersion } = current;
      // An IPv4-only tree would walk an IPv6 address's first 32 bits as if they were an IPv4
      // address and answer with a wrong country.
      if (family === 6 && ipVersion === 4) return { record: null, name };
      return { record: reader.get(address), name };
    },
    name: () => current.name,
    status: () => ({
      path,
      name: current.name,
      type: current.type,
      buildDate: current.buildDate,
      ipVersion: current.ipVersion,
      loadedAt: current.loadedAt.toISOString(),
      ...(reloadError ? { reloadError } : {}),
    }),
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

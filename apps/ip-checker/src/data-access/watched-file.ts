import fs, { Stats } from 'node:fs';
import { CONTROL_CHARS, Logger } from '@account-security/shared';
import type { AddressFamily } from '../domain/address';

/** A GeoIP data file that cannot be used: missing, unreadable, or not in its format. */
export class GeoDataFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`cannot open GeoIP database ${path}: ${problem}`);
    this.name = 'GeoDataFileError';
  }
}

export interface GeoDataFileStatus {
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

/** One loaded GeoIP data file (mmdb or ASN CSV), followed on disk when watched. */
export interface GeoDataFile {
  readonly path: string;
  /** The record for an address and the name of the data it came from, from one loaded file. */
  lookup(address: string, family: AddressFamily): { record: unknown; name: string };
  name(): string;
  status(): GeoDataFileStatus;
  /** Stops watching the file. */
  close(): void;
}

/** What a loader made of the files: `signature` is the identity of the files it read. */
export interface LoadedData {
  signature: string;
  type: string;
  buildDate: string;
  ipVersion: AddressFamily;
  loadedAt: Date;
  lookup(address: string, family: AddressFamily): unknown;
}

/** Runs of the characters the contracts refuse in text. */
const CONTROL_RUNS = new RegExp(`${CONTROL_CHARS.source}+`, 'g');
/** A data file's type ends up in every event's `geo.database`, which must be printable. */
export const printable = (s: string) => s.replace(CONTROL_RUNS, ' ').trim().slice(0, 100);

export const signatureOf = (s: Stats) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;

/**
 * The identity of the files at these paths, taken before they are read: if one is replaced
 * before the read, the next check sees a different file than this signature and loads again,
 * so no replacement goes unnoticed.
 */
export async function signatureOfFiles(paths: readonly string[]): Promise<string> {
  const stats = await Promise.all(paths.map((p) => fs.promises.stat(p)));
  return stats.map(signatureOf).join('|');
}

export function problemOf(err: unknown): string | undefined {
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
  return undefined;
}

export interface WatchOptions {
  /** Check the files for replacement this often; no watching when unset. */
  watchIntervalMs?: number;
  logger: Logger;
}

/**
 * Loads data files and, when asked, follows their replacement on disk.
 *
 * The paths are stat'ed every interval and compared with the files actually loaded. A reload
 * builds the complete new data and swaps it in with one assignment: lookups are synchronous, so
 * each sees either the old data or the new, never a mix, and no message waits or fails during
 * the switch. Data that fails to load is reported, the previous data stays in use, and those
 * same files are not retried until they change.
 *
 * Writing the new file beside the old one and renaming it over the path is the safe way to
 * update: the check sees a new inode and the read gets the complete new file.
 */
export async function openWatchedFile(
  paths: readonly [string, ...string[]],
  load: () => Promise<LoadedData>,
  opts: WatchOptions,
): Promise<GeoDataFile> {
  const path = paths[0];
  const log = opts.logger.child({ geoipFile: paths.join(', ') });
  // The name is in every answer: made once per load, not per lookup.
  const names = new WeakMap<LoadedData, string>();
  const nameOf = (d: LoadedData) => {
    let name = names.get(d);
    if (name === undefined) names.set(d, (name = `${d.type} ${d.buildDate}`));
    return name;
  };
  let current = await load();
  let reloadError: string | undefined;
  let failedSignature: string | undefined;
  let missingReported = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  async function check() {
    let signature: string;
    try {
      signature = await signatureOfFiles(paths);
      missingReported = false;
    } catch (err) {
      if (!missingReported) {
        log.warn(
          { err: problemOf(err) ?? String(err), database: nameOf(current) },
          'GeoIP database file unavailable; the loaded data stays in use',
        );
        missingReported = true;
      }
      return;
    }
    if (signature === current.signature || signature === failedSignature) return;
    try {
      const next = await load();
      if (closed) return;
      const previous = nameOf(current);
      current = next;
      reloadError = undefined;
      failedSignature = undefined;
      log.info({ database: nameOf(next), previous }, 'GeoIP database reloaded');
    } catch (err) {
      reloadError = err instanceof Error ? err.message : String(err);
      failedSignature = signature;
      log.error(
        { err: reloadError, database: nameOf(current) },
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
      const data = current;
      return { record: data.lookup(address, family), name: nameOf(data) };
    },
    name: () => nameOf(current),
    status: () => ({
      path,
      name: nameOf(current),
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

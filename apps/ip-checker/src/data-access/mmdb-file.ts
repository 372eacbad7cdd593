import maxmind, { Reader, Response } from 'maxmind';
import type { AddressFamily } from '../domain/address';
import {
  GeoDataFile,
  GeoDataFileError,
  GeoDataFileStatus,
  LoadedData,
  WatchOptions,
  openWatchedFile,
  printable,
  problemOf,
  signatureOfFiles,
} from './watched-file';

export type MmdbFile = GeoDataFile;
export type MmdbFileStatus = GeoDataFileStatus;

export interface MmdbFileOptions extends WatchOptions {
  /** Decoded records kept in maxmind's LRU cache; each load starts with an empty one. */
  cacheSize: number;
  /** Replaces the metadata's `database_type` in the name (whose own type says little). */
  label?: string;
}

async function load(path: string, opts: MmdbFileOptions): Promise<LoadedData> {
  let reader: Reader<Response>;
  let signature: string;
  try {
    signature = await signatureOfFiles([path]);
    reader = await maxmind.open<Response>(path, { cache: { max: opts.cacheSize } });
  } catch (err) {
    throw new GeoDataFileError(
      path,
      problemOf(err) ??
        `not a readable MaxMind DB file (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const m = reader.metadata;
  if (m.binaryFormatMajorVersion !== 2 || (m.ipVersion !== 4 && m.ipVersion !== 6) || !(m.nodeCount > 0)) {
    throw new GeoDataFileError(path, 'not a MaxMind DB 2.x file (unexpected metadata)');
  }
  const ipVersion = m.ipVersion as AddressFamily;
  return {
    signature,
    type: printable(opts.label ?? String(m.databaseType ?? '')) || 'unknown',
    buildDate: Number.isNaN(m.buildEpoch.getTime())
      ? 'unknown-date'
      : m.buildEpoch.toISOString().slice(0, 10),
    ipVersion,
    loadedAt: new Date(),
    // An IPv4-only tree would walk an IPv6 address's first 32 bits as if they were an IPv4
    // address and answer with a wrong country.
    lookup: (address, family) => (family === 6 && ipVersion === 4 ? null : reader.get(address)),
  };
}

/**
 * Opens an mmdb file with maxmind and, when asked, follows its replacement on disk (see
 * `openWatchedFile`; a reload builds a complete new reader, with a new, empty LRU cache).
 *
 * maxmind's own `watchForUpdates` is not used. It relies on fs.watchFile, whose first stat is
 * taken asynchronously after the file was read, so a replacement in between becomes the
 * baseline and is never loaded; its watcher cannot be stopped (a stopped service would keep
 * polling); and a failed reload (a file caught half-written by an in-place copy, or gone
 * between the poll and the read) rejects inside the watcher with nobody to catch it, which
 * crashes the process.
 */
export function openMmdbFile(path: string, opts: MmdbFileOptions): Promise<MmdbFile> {
  return openWatchedFile([path], () => load(path, opts), opts);
}

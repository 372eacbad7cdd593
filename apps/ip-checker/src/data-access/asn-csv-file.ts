import { createHash } from 'node:crypto';
import fs, { Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { AsnCsvError, AsnTable } from './asn-table';
import {
  GeoDataFile,
  GeoDataFileError,
  LoadedData,
  WatchOptions,
  openWatchedFile,
  printable,
  problemOf,
  signatureOf,
} from './watched-file';

export interface AsnCsvOptions extends WatchOptions {
  /** The data's name in `geo.database`; the first file's name without `.csv` when unset. */
  label?: string;
  /** The data's date in `geo.database`; the first file's modification date when unset. */
  buildDate?: string;
  /**
   * Where compiled tables are kept between starts (a file per set of source files, named by a
   * hash of `cacheKey`); no cache when unset.
   */
  cacheDir?: string;
  /** Added to the cache key (paths, sizes, modification times): a package version, say. */
  cacheKey?: string;
}

/**
 * Whether a cache file can be trusted: it and its directory belong to this user and nobody else
 * can write them. The default directory is under the shared temp dir, where another local user
 * could otherwise plant a table that answers with their ASNs.
 */
async function trusted(file: string): Promise<boolean> {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  const [dir, f] = await Promise.all([fs.promises.stat(join(file, '..')), fs.promises.stat(file)]);
  return [dir, f].every((s) => s.uid === uid && (s.mode & 0o022) === 0);
}

async function readCache(file: string): Promise<AsnTable | undefined> {
  try {
    if (!(await trusted(file))) return undefined;
    return AsnTable.fromBuffer(await fs.promises.readFile(file));
  } catch {
    return undefined;
  }
}

/** Written beside its final name and renamed over it, so a reader never sees half a file. */
async function writeCache(file: string, table: AsnTable): Promise<void> {
  await fs.promises.mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.promises.writeFile(tmp, table.toBuffer(), { mode: 0o600, flag: 'wx' });
    await fs.promises.rename(tmp, file);
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

function compile(paths: readonly string[]): AsnTable {
  // Read one file at a time, as the table takes them, so only one text is in memory.
  function* texts() {
    for (const path of paths) {
      try {
        yield fs.readFileSync(path, 'utf8');
      } catch (err) {
        throw new GeoDataFileError(path, problemOf(err) ?? `not readable (${String(err)})`);
      }
    }
  }
  try {
    return AsnTable.fromCsv(texts(), (i) => paths[i]!);
  } catch (err) {
    if (err instanceof AsnCsvError) {
      throw new GeoDataFileError(
        err.source ?? paths[0]!,
        `not an ASN CSV file (line ${err.line}: ${err.problem})`,
      );
    }
    throw err;
  }
}

/**
 * Opens ASN ranges from CSV files (`start,end,asn[,org]`, see `AsnTable.fromCsv`) as one table,
 * compiled at load into typed arrays for binary search, and follows the files' replacement on
 * disk like the mmdb files (`openWatchedFile`). With `cacheDir`, the compiled table is kept
 * there and read back on the next start instead of parsing the CSV again; a missing, stale or
 * damaged cache file only means compiling again.
 */
export function openAsnCsvFile(
  paths: readonly [string, ...string[]],
  opts: AsnCsvOptions,
): Promise<GeoDataFile> {
  const log = opts.logger.child({ geoipFile: paths.join(', ') });
  const load = async (): Promise<LoadedData> => {
    // Stat first: a file replaced before the read is seen as changed by the next check.
    const stats: Stats[] = [];
    for (const path of paths) {
      try {
        stats.push(await fs.promises.stat(path));
      } catch (err) {
        throw new GeoDataFileError(path, problemOf(err) ?? String(err));
      }
    }
    const signature = stats.map(signatureOf).join('|');
    const started = performance.now();
    // Keyed by what survives a restart of the same installation (not inode or ctime).
    const key = [opts.cacheKey ?? '', ...paths.map((p, i) => `${p}:${stats[i]!.size}:${stats[i]!.mtimeMs}`)];
    const cacheFile = opts.cacheDir
      ? join(
          opts.cacheDir,
          `asn-${createHash('sha256').update(key.join('|')).digest('hex').slice(0, 32)}.bin`,
        )
      : undefined;
    let table = cacheFile ? await readCache(cacheFile) : undefined;
    const compiled = table ? 'cache' : 'csv';
    if (!table) {
      table = compile(paths);
      if (cacheFile) {
        await writeCache(cacheFile, table).catch((err: unknown) =>
          log.warn(
            { err: String(err), cacheFile },
            'could not keep the compiled ASN table; the next start compiles again',
          ),
        );
      }
    }
    log.info(
      { ranges: table.size, from: compiled, ms: Math.round(performance.now() - started) },
      'ASN table loaded',
    );
    const t = table;
    return {
      signature,
      type: printable(opts.label ?? basename(paths[0]).replace(/\.csv$/i, '')) || 'unknown',
      buildDate: opts.buildDate ?? stats[0]!.mtime.toISOString().slice(0, 10),
      ipVersion: 6,
      loadedAt: new Date(),
      lookup: (address, family) => t.lookup(address, family),
    };
  };
  return openWatchedFile(paths, load, opts);
}

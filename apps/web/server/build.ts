/**
 * Keeps apps/web/dist in step with the page sources: the server builds (with Vite, in a child
 * process) when dist is missing or was built from other sources. Freshness is a hash of the
 * sources, not file times, so a checkout or a copy that resets mtimes does not fool it.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@account-security/shared';

export const WEB_ROOT = path.resolve(__dirname, '..');
export const DIST_DIR = path.join(WEB_ROOT, 'dist');
const HASH_FILE = '.source-hash';
/** What the bundle is made of; anything else in apps/web (server, tests) does not affect it. */
const SOURCES = ['client', 'public', 'index.html', 'vite.config.mts', 'package.json', 'tsconfig.json'];
/** The client bundles the suite's contracts too: a change there makes the pages stale as well. */
export const CONTRACTS_DIR = path.dirname(require.resolve('@account-security/shared/contracts'));

async function listFiles(root: string, rel: string): Promise<string[]> {
  const full = path.join(root, rel);
  if (!existsSync(full)) return [];
  if (!(await stat(full)).isDirectory()) return [rel];
  const entries = await readdir(full, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? listFiles(root, path.join(rel, e.name)) : [path.join(rel, e.name)],
    ),
  );
  return nested.flat();
}

/** A hash of every source file's path and content; null when there are no sources (a prebuilt image). */
export async function sourceHash(root = WEB_ROOT, contractsDir = CONTRACTS_DIR): Promise<string | null> {
  const files = (await Promise.all(SOURCES.map((s) => listFiles(root, s)))).flat().sort();
  if (!files.some((f) => f.startsWith('client'))) return null;
  const contracts = (await listFiles(contractsDir, '.')).sort();
  const hash = createHash('sha256');
  const add = async (dir: string, f: string, label: string) => {
    hash.update(label + f.split(path.sep).join('/')).update('\0');
    hash.update(await readFile(path.join(dir, f))).update('\0');
  };
  for (const f of files) await add(root, f, '');
  for (const f of contracts) await add(contractsDir, f, 'contracts:');
  return hash.digest('hex');
}

async function builtHash(dist: string): Promise<string | null> {
  if (!existsSync(path.join(dist, 'index.html'))) return null;
  try {
    return (await readFile(path.join(dist, HASH_FILE), 'utf8')).trim();
  } catch {
    return '';
  }
}

export type BuildOutcome = 'fresh' | 'built' | 'prebuilt';

function runVite(root: string, outDir: string): Promise<void> {
  const viteBin = path.join(
    path.dirname(require.resolve('vite/package.json', { paths: [root] })),
    'bin/vite.js',
  );
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`vite build failed (exit ${code}): ${output.trim().slice(-2000)}`)),
    );
  });
}

/**
 * Makes sure dist holds a build of the current sources. Builds into a temporary directory and
 * swaps it in, so a server starting alongside never serves a half-written dist.
 */
export async function ensureBuilt(opts: {
  logger: Logger;
  build: boolean;
  root?: string;
}): Promise<BuildOutcome> {
  const root = opts.root ?? WEB_ROOT;
  const dist = path.join(root, 'dist');
  const want = await sourceHash(root);
  const have = await builtHash(dist);
  if (want === null) {
    if (have === null) throw new Error(`no page sources and no build in ${dist}`);
    return 'prebuilt';
  }
  if (have === want) return 'fresh';
  if (!opts.build) {
    if (have === null)
      throw new Error(`${dist} is missing: run \`pnpm --filter @account-security/web build\``);
    opts.logger.warn(
      'the built pages are older than their sources (BUILD_ON_START=false): serving them anyway',
    );
    return 'prebuilt';
  }
  opts.logger.info({ reason: have === null ? 'missing' : 'stale' }, 'building the web pages with vite');
  // Under node_modules (ignored by git) so an interrupted build leaves no litter in the tree.
  const tmp = path.join(
    root,
    'node_modules/.cache',
    `web-build-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    await mkdir(path.dirname(tmp), { recursive: true });
    await runVite(root, tmp);
    await writeFile(path.join(tmp, HASH_FILE), want + '\n');
    const old = `${tmp}-old`;
    if (existsSync(dist)) await rename(dist, old).catch(() => undefined);
    try {
      await rename(tmp, dist);
    } catch (err) {
      // Another server process swapped in its build first; if it is of the same sources, use it.
      if ((await builtHash(dist)) !== want) throw err;
    }
    await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  opts.logger.info('web pages built');
  return 'built';
}

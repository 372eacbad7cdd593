import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The pages bundle `@account-security/shared/contracts` with Vite. A node:* module, a driver or a
 * server framework reached from it would break the build or ship server code to the browser, and
 * nothing else notices until the next build; this reads the import graph the way a bundler would.
 */
const CONTRACTS_ENTRY = path.resolve(__dirname, '../../../../packages/shared/src/contracts/index.ts');
const ALLOWED = ['zod', 'uuid'];

const IMPORT_FROM = /(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC = /(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveRelative(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  const candidate = [
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    base.replace(/\.js$/, '.ts'),
    base,
  ].find((f) => existsSync(f) && statSync(f).isFile());
  if (!candidate) throw new Error(`${from}: cannot resolve ${spec}`);
  return candidate;
}

/** Every bare specifier reachable from `entry`, with the file that imports it. */
function bareImports(entry: string): { files: string[]; bare: { spec: string; file: string }[] } {
  const seen = new Set<string>();
  const bare: { spec: string; file: string }[] = [];
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const re of [IMPORT_FROM, DYNAMIC]) {
      for (const m of source.matchAll(re)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) queue.push(resolveRelative(file, spec));
        else bare.push({ spec, file: path.relative(path.dirname(entry), file) });
      }
    }
  }
  return { files: [...seen], bare };
}

const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;

describe('the contracts the pages bundle', () => {
  test('when the contracts import graph is followed, then it reaches only zod and uuid', () => {
    const { files, bare } = bareImports(CONTRACTS_ENTRY);
    // The walk must really have followed the barrel, or an empty result would prove nothing.
    expect(files.length).toBeGreaterThan(10);
    expect(bare.map((b) => b.spec)).toContain('zod');
    const offending = bare.filter((b) => !ALLOWED.includes(packageOf(b.spec)));
    expect(offending).toEqual([]);
  });
});

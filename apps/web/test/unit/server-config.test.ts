import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, createLogger } from '@account-security/shared';
import { ensureBuilt, sourceHash } from '../../server/build';
import { loadWebConfig } from '../../server/config';

describe('the web server configuration', () => {
  test('when nothing is set, then it listens on 3004 and reaches the services on their default ports', () => {
    const c = loadWebConfig({});
    expect(c.PORT).toBe(3004);
    expect(c.LOGIN_HISTORY_URL).toBe('http://127.0.0.1:3002');
    expect(c.ACCOUNT_GUARD_URL).toBe('http://127.0.0.1:3003');
    expect(c.BUILD_ON_START).toBe(true);
  });

  test('when WEB_-prefixed variables are set beside plain ones, then the prefixed ones win', () => {
    const c = loadWebConfig({ PORT: '3001', WEB_PORT: '4004', LOGIN_HISTORY_URL: 'http://lh:80' });
    expect(c.PORT).toBe(4004);
    expect(c.LOGIN_HISTORY_URL).toBe('http://lh:80');
  });

  test('when an upstream URL is malformed, then start-up fails naming the variable', () => {
    expect(() => loadWebConfig({ ACCOUNT_GUARD_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadWebConfig({ ACCOUNT_GUARD_URL: 'not a url' })).toThrow(/ACCOUNT_GUARD_URL/);
  });
});

describe('deciding whether the pages need a build', () => {
  let root: string;
  const logger = createLogger('web-test', 'silent');
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'web-build-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('when a source file changes, then the source hash changes; files outside the sources do not count', async () => {
    await mkdir(path.join(root, 'client'));
    await writeFile(path.join(root, 'client/main.tsx'), 'one');
    const first = await sourceHash(root);
    await writeFile(path.join(root, 'README.md'), 'docs');
    expect(await sourceHash(root)).toBe(first);
    await writeFile(path.join(root, 'client/main.tsx'), 'two');
    expect(await sourceHash(root)).not.toBe(first);
  });

  test('when a contracts file the client bundles changes, then the source hash changes', async () => {
    await mkdir(path.join(root, 'client'));
    await writeFile(path.join(root, 'client/main.tsx'), 'one');
    const contracts = path.join(root, 'contracts');
    await mkdir(path.join(contracts, 'http'), { recursive: true });
    await writeFile(path.join(contracts, 'http/history.v1.ts'), 'one');
    const first = await sourceHash(root, contracts);
    await writeFile(path.join(contracts, 'http/history.v1.ts'), 'two');
    expect(await sourceHash(root, contracts)).not.toBe(first);
  });

  test('when dist was built from the current sources, then it is served as is', async () => {
    await mkdir(path.join(root, 'client'));
    await writeFile(path.join(root, 'client/main.tsx'), 'x');
    await mkdir(path.join(root, 'dist'));
    await writeFile(path.join(root, 'dist/index.html'), '<html></html>');
    await writeFile(path.join(root, 'dist/.source-hash'), (await sourceHash(root))! + '\n');
    await expect(ensureBuilt({ logger, build: true, root })).resolves.toBe('fresh');
  });

  test('when an image ships only dist, then dist is served; with neither, start-up fails', async () => {
    await expect(ensureBuilt({ logger, build: true, root })).rejects.toThrow(/no page sources and no build/);
    await mkdir(path.join(root, 'dist'));
    await writeFile(path.join(root, 'dist/index.html'), '<html></html>');
    await expect(ensureBuilt({ logger, build: true, root })).resolves.toBe('prebuilt');
  });

  test('when building is switched off and dist is missing, then start-up fails with how to build', async () => {
    await mkdir(path.join(root, 'client'));
    await writeFile(path.join(root, 'client/main.tsx'), 'x');
    await expect(ensureBuilt({ logger, build: false, root })).rejects.toThrow(/is missing: run/);
  });
});

/**
 * Starts the web server as its own process (`tsx apps/web/server/main.ts`), the way `pnpm start`
 * and production run it. Not in-process: http-proxy-middleware 4 is an ES module, which jest's
 * CommonJS module loader cannot require on Node < 24.9, while plain Node ≥ 20.19 can.
 */
import {
  RunningProcess,
  ServiceDef,
  freePort,
  spawnService,
  stopProcess,
  waitReady,
} from '../../../../scripts/suite';
import { waitUntil } from '@account-security/shared/testing';

export const WEB_SERVICE: ServiceDef = { name: 'web', entry: 'apps/web/server/main.ts', port: 3004 };

export interface WebProcess {
  url: string;
  /** The operator listener: /metrics, /healthz, /readyz. */
  adminUrl: string;
  process: RunningProcess;
  output: string[];
  stop(): Promise<void>;
}

export async function startWeb(
  env: NodeJS.ProcessEnv,
  opts: { waitFor?: 'ready' | 'alive'; timeoutMs?: number } = {},
): Promise<WebProcess> {
  const port = await freePort();
  const adminPort = await freePort();
  const output: string[] = [];
  const proc = spawnService(WEB_SERVICE, { env, onLine: (_s, line) => output.push(line) }, port, adminPort);
  const url = `http://127.0.0.1:${port}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const timeoutMs = opts.timeoutMs ?? 90_000;
  try {
    if (opts.waitFor === 'alive') {
      let exited = false;
      void proc.exited.then(() => (exited = true));
      await waitUntil(
        async () => {
          if (exited) throw new Error(`web exited before it was alive:\n${output.join('\n')}`);
          return fetch(`${url}/healthz`).then(
            (r) => r.ok,
            () => false,
          );
        },
        timeoutMs,
        'web /healthz',
      );
    } else {
      await waitReady(proc, timeoutMs);
    }
  } catch (err) {
    await stopProcess(proc, 'SIGKILL');
    throw new Error(`${(err as Error).message}\n${output.join('\n')}`, { cause: err });
  }
  return { url, adminUrl, process: proc, output, stop: async () => void (await stopProcess(proc)) };
}

/**
 * Runs the suite's services as separate processes, exactly as `pnpm start` does; used by
 * `pnpm start`, the end-to-end and chaos tests and the benchmark.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ListeningReport } from '@account-security/shared';

export const ROOT = path.resolve(__dirname, '..');
/** TypeScript through tsx's require hook: no loader thread per service (see packages/shared/register.cjs). */
export const REGISTER = path.join(ROOT, 'packages/shared/register.cjs');

export interface ServiceDef {
  name: string;
  entry: string;
  port: number;
}

export const SERVICES: ServiceDef[] = [
  { name: 'ip-checker', entry: 'apps/ip-checker/src/main.ts', port: 3001 },
  { name: 'login-history', entry: 'apps/login-history/src/main.ts', port: 3002 },
  { name: 'account-guard', entry: 'apps/account-guard/src/main.ts', port: 3003 },
];

/** The web pages' server: not part of the event pipeline, started by `pnpm start` beside it. */
export const WEB: ServiceDef = { name: 'web', entry: 'apps/web/server/main.ts', port: 3004 };

export const envPrefix = (service: string) => service.toUpperCase().replace(/[^A-Z0-9]+/g, '_') + '_';

/**
 * The port a service is given: its prefixed PORT, else its default (a plain PORT would clash).
 * 0 lets the service's kernel choose one; the service reports it (RunningProcess.port).
 */
export function portOf(def: ServiceDef, env: NodeJS.ProcessEnv): number {
  return Number(env[envPrefix(def.name) + 'PORT'] ?? def.port);
}

/**
 * Its operator port (/metrics): the prefixed ADMIN_PORT, else the service's own default (as
 * adminPortFor in packages/shared): PORT + 100, or any free port (0) when PORT is 0.
 */
export function adminPortOf(def: ServiceDef, env: NodeJS.ProcessEnv, port = portOf(def, env)): number {
  return Number(env[envPrefix(def.name) + 'ADMIN_PORT'] ?? (port === 0 ? 0 : port + 100));
}

/** Ports this process has handed out: the kernel may offer a just-closed port again. */
const handedOut = new Set<number>();

/**
 * A port free right now (probed by listening on 0 here, then closed). Racy: another process (a
 * second jest worker) may take it before the service binds it. Prefer port 0 in spawnService,
 * where the service binds and reports the port itself; this is for an address that must be known
 * before the service starts (account-guard's PUBLIC_URL). Never the same twice in one process.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** A JWT secret for local runs, kept in .tmp/ so `pnpm simulate` can sign tokens with it. */
export function devAuthSecret(): string {
  const file = path.join(ROOT, '.tmp/dev-auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export interface RunningProcess {
  def: ServiceDef;
  /** The public port: as given, or (given 0) the one the service bound, once it reported it. */
  port: number;
  /** The operator listener (127.0.0.1): /metrics, /healthz, /readyz. Given 0: as for port. */
  adminPort: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  /**
   * The ports the service bound, once it has reported them over its IPC channel (runMain in
   * packages/shared/src/service.ts); `port` and `adminPort` are updated then. Never rejects:
   * pending if the process exits first.
   */
  listening: Promise<{ port: number; adminPort: number }>;
}

export interface SuiteOptions {
  env: NodeJS.ProcessEnv;
  services?: ServiceDef[];
  /** Every output line of every service. */
  onLine?: (service: string, line: string, stream: 'stdout' | 'stderr') => void;
  readyTimeoutMs?: number;
}

/**
 * Node.js flags for every service: a young generation of 2 × 4 MB (V8's default is 2 × 16 MB) and
 * an old generation capped at 128 MB, about three times a service's live heap under full load.
 * V8 then collects sooner: resident memory stays near 100–115 MB per service under the
 * benchmark's load instead of 160–200 MB, for some 8% more CPU in the services. SERVICE_NODE_ARGS
 * replaces them (profiling: `--cpu-prof --cpu-prof-dir=…`). The web server has none: it may build
 * its pages with Vite when it starts.
 */
export const DEFAULT_SERVICE_NODE_ARGS = '--max-semi-space-size=4 --max-old-space-size=128';
export const serviceNodeArgs = (env: NodeJS.ProcessEnv, def: ServiceDef) =>
  (env.SERVICE_NODE_ARGS ?? (def.name === WEB.name ? '' : DEFAULT_SERVICE_NODE_ARGS))
    .split(/\s+/)
    .filter(Boolean);

const isListeningReport = (m: unknown): m is ListeningReport =>
  typeof m === 'object' &&
  m !== null &&
  (m as ListeningReport).type === 'listening' &&
  Number.isInteger((m as ListeningReport).port) &&
  Number.isInteger((m as ListeningReport).adminPort);

/**
 * Starts one service. `port` and `adminPort` may be 0: the service binds whatever port its kernel
 * gives it and reports it (waitReady waits for that); no port is probed here and handed over, which
 * another process could take in between.
 */
export function spawnService(
  def: ServiceDef,
  opts: SuiteOptions,
  port = portOf(def, opts.env),
  adminPort = adminPortOf(def, opts.env, port),
): RunningProcess {
  // `node --require <tsx hook>`, not the tsx CLI: the CLI runs the program in a child process, so
  // a SIGKILL would hit only the wrapper and leave the service running as an orphan.
  const child = spawn(
    process.execPath,
    [...serviceNodeArgs(opts.env, def), '--require', REGISTER, path.join(ROOT, def.entry)],
    {
      cwd: ROOT,
      env: {
        ...opts.env,
        [envPrefix(def.name) + 'PORT']: String(port),
        [envPrefix(def.name) + 'ADMIN_PORT']: String(adminPort),
      },
      // The IPC channel carries the service's report of the ports it bound (and nothing else).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  // It must not keep this process alive by itself (the output pipes decide, as before).
  child.channel?.unref();
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]! }).on('line', (line) => opts.onLine?.(def.name, line, stream));
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    // Not started at all (no such executable, too many processes): no 'exit' follows.
    child.once('error', (err) => {
      opts.onLine?.(def.name, `could not start: ${err.message}`, 'stderr');
      if (child.pid === undefined) resolve(null);
    });
  });
  const proc: RunningProcess = {
    def,
    port,
    adminPort,
    child,
    exited,
    listening: new Promise((resolve) => {
      child.on('message', (m: unknown) => {
        if (!isListeningReport(m)) return;
        proc.port = m.port;
        proc.adminPort = m.adminPort;
        resolve({ port: m.port, adminPort: m.adminPort });
      });
    }),
  };
  return proc;
}

/** Until the service answers /readyz with 200; given port 0, first until it reported its ports. */
export async function waitReady(p: RunningProcess, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  let exited = false;
  void p.exited.then(() => (exited = true));
  if (p.port === 0 || p.adminPort === 0) {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      p.listening.then(() => 'listening' as const),
      p.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (outcome === 'exited') throw new Error(`${p.def.name} exited before it listened`);
    if (outcome === 'timeout') {
      throw new Error(
        `${p.def.name} did not report the ports it bound within ${timeoutMs} ms ` +
          '(given port 0, a service reports them through runMain)',
      );
    }
  }
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${p.def.name} exited before it was ready (${last})`);
    try {
      const res = await fetch(`http://127.0.0.1:${p.port}/readyz`);
      if (res.ok) return;
      last = JSON.stringify(await res.json());
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${p.def.name} not ready after ${timeoutMs} ms: ${last}`);
}

export async function stopProcess(
  p: RunningProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 20000,
): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode;
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}

export interface Suite {
  processes: Map<string, RunningProcess>;
  url(service: string): string;
  /** The service's operator address, where its /metrics is. */
  adminUrl(service: string): string;
  stop(): Promise<void>;
  /** Kills a service (default SIGKILL) and starts it again on the same ports (the bound ones). */
  restart(service: string, signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the services and waits until every one is ready. A service given port 0 (its prefixed
 * PORT / ADMIN_PORT in `env`) binds a port of its kernel's choosing; `url()` and `adminUrl()`
 * give the bound ones. If any fails to start, the ones already spawned are killed and the
 * original error is thrown.
 */
export async function startSuite(opts: SuiteOptions): Promise<Suite> {
  const defs = opts.services ?? SERVICES;
  const processes = new Map<string, RunningProcess>();
  try {
    for (const def of defs) processes.set(def.name, spawnService(def, opts));
    await Promise.all([...processes.values()].map((p) => waitReady(p, opts.readyTimeoutMs)));
  } catch (err) {
    await Promise.all([...processes.values()].map((p) => stopProcess(p, 'SIGKILL').catch(() => undefined)));
    throw err;
  }
  return {
    processes,
    url: (service) => `http://127.0.0.1:${processes.get(service)!.port}`,
    adminUrl: (service) => `http://127.0.0.1:${processes.get(service)!.adminPort}`,
    stop: async () => {
      await Promise.all([...processes.values()].map((p) => stopProcess(p)));
    },
    restart: async (service, signal = 'SIGKILL') => {
      const old = processes.get(service)!;
      await stopProcess(old, signal);
      const fresh = spawnService(old.def, opts, old.port, old.adminPort);
      processes.set(service, fresh);
      await waitReady(fresh, opts.readyTimeoutMs);
    },
  };
}

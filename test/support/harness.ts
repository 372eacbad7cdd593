/**
 * The suite as separate processes, exactly as `pnpm start` runs them, on a private vhost and
 * private databases, with a real SMTP server in the test and collectors on both exchanges.
 * The services bind ports of their own choosing (port 0), except account-guard's public port,
 * which PUBLIC_URL (the links in its emails) must name before it starts.
 */
import { randomUUID } from 'node:crypto';
import {
  COMMANDS_EXCHANGE,
  EVENTS_EXCHANGE,
  LOGIN_FAILED,
  LOGIN_SUCCEEDED,
  createEvent,
  dropDatabase,
  ensureDatabase,
} from '@account-security/shared';
import {
  MessageCollector,
  TEST_JWT_SECRET,
  createTestVhost,
  publishRaw,
  signToken,
  uniqueName,
  TestVhost,
  PG_BASE,
} from '@account-security/shared/testing';
import { Suite, freePort, startSuite } from '../../scripts/suite';
import { TestSmtpServer } from '@account-security/shared/testing/smtp';

export const IPS = {
  KR: '211.234.10.5',
  KR6: '2001:e60:1234::5',
  JP: '133.0.0.5',
  US: '8.8.8.8',
  private: '192.168.0.10',
};

export interface Harness {
  vhost: TestVhost;
  suite: Suite;
  smtp: TestSmtpServer;
  events: MessageCollector;
  /** The services' environment, with the ports they bound (`IP_CHECKER_PORT`, `…_ADMIN_PORT`). */
  env: NodeJS.ProcessEnv;
  dbUrls: Record<'login-history' | 'account-guard', string>;
  logs: string[];
  /** Publishes a `login.succeeded` (at `opts.time`, an ISO time, else now); returns its id. */
  login(
    accountId: string,
    ip: string,
    extra?: Record<string, unknown>,
    opts?: { time?: string },
  ): Promise<string>;
  /** Publishes a `login.failed` (SPEC §7) as the login server does; returns its id. */
  loginFailed(
    accountId: string,
    ip: string,
    reason?: 'bad_password' | 'unknown_account' | 'second_factor_failed' | 'other',
    opts?: { time?: string },
  ): Promise<string>;
  api(
    service: string,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; text: string }>;
  stop(): Promise<void>;
}

/** One JSON request to a service: the status, the body parsed when it is JSON, and its text. */
export async function requestJson(
  url: string,
  method: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      accept: 'application/json',
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

export const playerToken = (accountId: string) => signToken({ sub: accountId });
export const supportToken = (staffId = 'staff-1') => signToken({ sub: staffId, roles: ['support'] });

export interface HarnessOptions {
  /**
   * A vhost the caller made, e.g. on a RabbitMQ cluster, where `url` may be a comma-separated list
   * of AMQP URLs (one a node; the services fail over between them). The harness then makes none on
   * the machine's broker, and takes this one over: its `delete()` is called at stop, and when the
   * start fails.
   */
  vhost?: TestVhost;
}

/** The harness's own connections (collector, `login()`) take the first node of a URL list that answers. */
async function onFirstReachable<T>(urls: string, what: string, fn: (url: string) => Promise<T>): Promise<T> {
  const problems: string[] = [];
  for (const url of urls.split(',').map((u) => u.trim())) {
    try {
      return await fn(url);
    } catch (err) {
      problems.push(`${new URL(url).host}: ${(err as Error).message}`);
    }
  }
  throw new Error(`${what}: no broker node answered (${problems.join('; ')})`);
}

const GUARD_PORT_ATTEMPTS = 3;

/**
 * Starts vhost, SMTP server, databases, suite and collector, in that order. When a step fails,
 * what the earlier ones made is undone (in reverse order) and the step's own error is thrown.
 */
export async function startHarness(
  label: string,
  extraEnv: Record<string, string> = {},
  opts: HarnessOptions = {},
): Promise<Harness> {
  const undo: { what: string; run: () => Promise<unknown> }[] = [];
  const logs: string[] = [];
  try {
    const vhost = opts.vhost ?? (await createTestVhost(label));
    undo.push({ what: `vhost ${vhost.name}`, run: () => vhost.delete() });
    const smtp = await TestSmtpServer.start();
    undo.push({ what: 'SMTP server', run: () => smtp.stop() });
    const dbUrls = {
      'login-history': `${PG_BASE}/${uniqueName(`${label}_lh`)}`,
      'account-guard': `${PG_BASE}/${uniqueName(`${label}_ag`)}`,
    };
    for (const url of Object.values(dbUrls)) {
      await ensureDatabase(url);
      undo.push({ what: `database ${new URL(url).pathname.slice(1)}`, run: () => dropDatabase(url) });
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
      AMQP_URL: vhost.url,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      RETRY_DELAYS_MS: '500,1000,2000,4000,8000',
      LOGIN_HISTORY_DATABASE_URL: dbUrls['login-history'],
      ACCOUNT_GUARD_DATABASE_URL: dbUrls['account-guard'],
      // Bound by each service and reported to the suite (scripts/suite.ts): no port probed here
      // that another jest worker could take before the service binds it.
      IP_CHECKER_PORT: '0',
      LOGIN_HISTORY_PORT: '0',
      IP_CHECKER_ADMIN_PORT: '0',
      LOGIN_HISTORY_ADMIN_PORT: '0',
      ACCOUNT_GUARD_ADMIN_PORT: '0',
      // One support token drives a whole scenario; the per-subject limit is tested on its own.
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_FROM: 'security@example.test',
      NOTIFY_RETRY_MS: '500',
      ...extraEnv,
    };
    // account-guard's public port is the one probed here: PUBLIC_URL, in the links of its emails,
    // must name it before it starts. Should another process take it first, a new one is tried.
    let suite: Suite | undefined;
    for (let attempt = 1; !suite; attempt++) {
      const guardPort = extraEnv.ACCOUNT_GUARD_PORT ?? String(await freePort());
      env.ACCOUNT_GUARD_PORT = guardPort;
      env.PUBLIC_URL = extraEnv.PUBLIC_URL ?? `http://127.0.0.1:${guardPort}`;
      const first = logs.length;
      try {
        suite = await startSuite({ env, onLine: (svc, line) => logs.push(`${svc} | ${line}`) });
      } catch (err) {
        const taken = logs
          .slice(first)
          .some((l) => l.startsWith('account-guard | ') && l.includes('EADDRINUSE'));
        if (!taken || extraEnv.ACCOUNT_GUARD_PORT || attempt >= GUARD_PORT_ATTEMPTS) {
          process.stderr.write(logs.slice(-40).join('\n') + '\n');
          throw err;
        }
      }
    }
    const running = suite;
    undo.push({ what: 'suite', run: () => running.stop() });
    const events = await onFirstReachable(vhost.url, 'the harness collector', (url) =>
      MessageCollector.start(url, [
        { exchange: EVENTS_EXCHANGE, routingKey: '#' },
        { exchange: COMMANDS_EXCHANGE, routingKey: '#' },
      ]),
    );
    undo.push({ what: 'collector', run: () => events.close() });
    const bound: NodeJS.ProcessEnv = {};
    for (const p of running.processes.values()) {
      const prefix = p.def.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
      bound[`${prefix}_PORT`] = String(p.port);
      bound[`${prefix}_ADMIN_PORT`] = String(p.adminPort);
    }
    return {
      vhost,
      suite: running,
      smtp,
      events,
      env: { ...env, ...bound },
      dbUrls,
      logs,
      async login(accountId, ip, extra = {}, opts = {}) {
        const e = createEvent({
          type: LOGIN_SUCCEEDED,
          source: 'game-login/e2e',
          subject: accountId,
          ...(opts.time ? { time: opts.time } : {}),
          data: {
            accountId,
            sessionId: `sess-${randomUUID()}`,
            ip,
            client: { platform: 'pc', version: '2.1.0' },
            ...extra,
          },
        });
        await onFirstReachable(vhost.url, 'publishing a login', (url) =>
          publishRaw(url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e),
        );
        return e.id;
      },
      async loginFailed(accountId, ip, reason = 'bad_password', opts = {}) {
        const e = createEvent({
          type: LOGIN_FAILED,
          source: 'game-login/e2e',
          subject: accountId,
          ...(opts.time ? { time: opts.time } : {}),
          data: { accountId, ip, client: { platform: 'pc', version: '2.1.0' }, reason },
        });
        await onFirstReachable(vhost.url, 'publishing a failed login', (url) =>
          publishRaw(url, EVENTS_EXCHANGE, LOGIN_FAILED, e),
        );
        return e.id;
      },
      api: (service, method, path, token, body) =>
        requestJson(running.url(service) + path, method, token, body),
      // Everything is stopped even when one step fails; the first failure is thrown after.
      stop: () => undoAll(undo),
    };
  } catch (err) {
    await undoAll(undo).catch((cleanup: Error) =>
      process.stderr.write(`startHarness(${label}): cleaning up after a failed start: ${cleanup.message}\n`),
    );
    throw err;
  }
}

/** Runs the undo steps last first, every one of them; throws the first failure at the end. */
async function undoAll(undo: { what: string; run: () => Promise<unknown> }[]): Promise<void> {
  const failures: Error[] = [];
  for (const step of undo.splice(0).reverse()) {
    try {
      await step.run();
    } catch (err) {
      failures.push(new Error(`${step.what}: ${(err as Error).message}`, { cause: err }));
    }
  }
  if (failures.length) throw failures[0]!;
}

/**
 * The suite as separate processes, exactly as `pnpm start` runs them, on a private vhost and
 * private databases, with a real SMTP server in the test and collectors on both exchanges.
 */
import { randomUUID } from 'node:crypto';
import {
  COMMANDS_EXCHANGE,
  EVENTS_EXCHANGE,
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
  env: NodeJS.ProcessEnv;
  dbUrls: Record<'login-history' | 'account-guard', string>;
  logs: string[];
  login(accountId: string, ip: string, extra?: Record<string, unknown>): Promise<string>;
  api(
    service: string,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; text: string }>;
  stop(): Promise<void>;
}

export const playerToken = (accountId: string) => signToken({ sub: accountId });
export const supportToken = (staffId = 'staff-1') => signToken({ sub: staffId, roles: ['support'] });

export async function startHarness(label: string, extraEnv: Record<string, string> = {}): Promise<Harness> {
  const vhost = await createTestVhost(label);
  const smtp = await TestSmtpServer.start();
  const dbUrls = {
    'login-history': `${PG_BASE}/${uniqueName(`${label}_lh`)}`,
    'account-guard': `${PG_BASE}/${uniqueName(`${label}_ag`)}`,
  };
  for (const url of Object.values(dbUrls)) await ensureDatabase(url);
  const guardPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    AMQP_URL: vhost.url,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    RETRY_DELAYS_MS: '500,1000,2000,4000,8000',
    LOGIN_HISTORY_DATABASE_URL: dbUrls['login-history'],
    ACCOUNT_GUARD_DATABASE_URL: dbUrls['account-guard'],
    IP_CHECKER_PORT: String(await freePort()),
    LOGIN_HISTORY_PORT: String(await freePort()),
    ACCOUNT_GUARD_PORT: String(guardPort),
    IP_CHECKER_ADMIN_PORT: String(await freePort()),
    LOGIN_HISTORY_ADMIN_PORT: String(await freePort()),
    ACCOUNT_GUARD_ADMIN_PORT: String(await freePort()),
    // One support token drives a whole scenario; the per-subject limit is tested on its own.
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    PUBLIC_URL: `http://127.0.0.1:${guardPort}`,
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MAIL_FROM: 'security@example.test',
    NOTIFY_RETRY_MS: '500',
    ...extraEnv,
  };
  const logs: string[] = [];
  const suite = await startSuite({ env, onLine: (svc, line) => logs.push(`${svc} | ${line}`) }).catch(
    (err) => {
      process.stderr.write(logs.slice(-40).join('\n') + '\n');
      throw err;
    },
  );
  const events = await MessageCollector.start(vhost.url, [
    { exchange: EVENTS_EXCHANGE, routingKey: '#' },
    { exchange: COMMANDS_EXCHANGE, routingKey: '#' },
  ]);
  return {
    vhost,
    suite,
    smtp,
    events,
    env,
    dbUrls,
    logs,
    async login(accountId, ip, extra = {}) {
      const e = createEvent({
        type: LOGIN_SUCCEEDED,
        source: 'game-login/e2e',
        subject: accountId,
        data: {
          accountId,
          sessionId: `sess-${randomUUID()}`,
          ip,
          client: { platform: 'pc', version: '2.1.0' },
          ...extra,
        },
      });
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      return e.id;
    },
    async api(service, method, path, token, body) {
      const res = await fetch(suite.url(service) + path, {
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
    },
    async stop() {
      await events.close();
      await suite.stop();
      await smtp.stop();
      for (const url of Object.values(dbUrls)) await dropDatabase(url).catch(() => undefined);
      await vhost.delete();
    },
  };
}

/**
 * Operator endpoints off the player port (issue 15, done-when 6): every service serves /metrics
 * only on its ADMIN_PORT listener (loopback by default), /healthz and /readyz on both.
 */
import { ConfigError } from '../../src';
import { TestDatabase, TestVhost, createTestDatabase, createTestVhost, testEnv } from '../../src/testing';
import { SERVICES, Suite, freePort, startSuite } from '../../../../scripts/suite';
import { startRelay } from '../fixtures/relay-service';

const PROMETHEUS = /^text\/plain; version=0\.0\.4/;

describe('the operator port of every service, run as `pnpm start` runs them', () => {
  let vhost: TestVhost;
  let dbs: TestDatabase<unknown>[] = [];
  let suite: Suite;
  const logs: string[] = [];

  beforeAll(async () => {
    vhost = await createTestVhost('admin-port');
    dbs = [
      await createTestDatabase('login-history', { migrate: false }),
      await createTestDatabase('account-guard', { migrate: false }),
    ];
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...testEnv({ LOG_LEVEL: 'warn' }),
      AMQP_URL: vhost.url,
      LOGIN_HISTORY_DATABASE_URL: dbs[0]!.url,
      ACCOUNT_GUARD_DATABASE_URL: dbs[1]!.url,
    };
    for (const def of SERVICES) {
      const prefix = def.name.toUpperCase().replace(/-/g, '_');
      env[`${prefix}_PORT`] = String(await freePort());
      env[`${prefix}_ADMIN_PORT`] = String(await freePort());
    }
    suite = await startSuite({ env, onLine: (svc, line) => logs.push(`${svc} | ${line}`) }).catch((err) => {
      process.stderr.write(logs.slice(-30).join('\n') + '\n');
      throw err;
    });
  }, 120_000);
  afterAll(async () => {
    await suite?.stop();
    for (const db of dbs) await db.drop().catch(() => undefined);
    await vhost?.delete();
  });

  test.each(SERVICES.map((s) => s.name))(
    'when %s is asked for /metrics, then the public port answers 404 and the admin port the Prometheus text; /readyz and /healthz answer on both',
    async (name) => {
      const pub = await fetch(`${suite.url(name)}/metrics`);
      expect(pub.status).toBe(404);
      expect(await pub.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });

      const admin = await fetch(`${suite.adminUrl(name)}/metrics`);
      expect(admin.status).toBe(200);
      expect(admin.headers.get('content-type')).toMatch(PROMETHEUS);
      const text = await admin.text();
      expect(text).toMatch(/^# HELP process_cpu_user_seconds_total /m);
      expect(text).toMatch(/^# TYPE messages_consumed_total counter$/m);

      for (const base of [suite.url(name), suite.adminUrl(name)]) {
        const ready = await fetch(`${base}/readyz`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ status: 'ready', checks: { broker: 'ok' } });
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
      }
      // The operator app serves nothing else: no API route leaks onto it.
      expect((await fetch(`${suite.adminUrl(name)}/v1/accounts/acc-1/status`)).status).toBe(404);
    },
  );
});

describe('the operator listener of the shared runtime', () => {
  let vhost: TestVhost;

  beforeAll(async () => {
    vhost = await createTestVhost('admin-listener');
  });
  afterAll(async () => {
    await vhost?.delete();
  });

  const env = (extra: Record<string, string | undefined> = {}) =>
    testEnv({ AMQP_URL: vhost.url, RELAY_SOURCE: 'relay', ...extra });

  test('when ADMIN_PORT is 0, then a free port is bound on 127.0.0.1, reported, and both listeners close on stop', async () => {
    const { svc } = await startRelay(env());
    const admin = svc.adminServer.address();
    expect(admin).toMatchObject({ address: '127.0.0.1', port: svc.adminPort });
    expect(svc.adminPort).not.toBe(svc.port);
    expect((await fetch(`http://127.0.0.1:${svc.adminPort}/metrics`)).status).toBe(200);
    await svc.stop();
    expect(svc.server.listening).toBe(false);
    expect(svc.adminServer.listening).toBe(false);
    await expect(fetch(`http://127.0.0.1:${svc.adminPort}/metrics`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${svc.port}/healthz`)).rejects.toThrow();
  });

  test('when ADMIN_PORT is unset, then it is PORT + 100', async () => {
    const port = await freePort();
    const { svc } = await startRelay(env({ PORT: String(port), ADMIN_PORT: undefined }));
    try {
      expect(svc.adminPort).toBe(port + 100);
      expect((await fetch(`http://127.0.0.1:${port + 100}/metrics`)).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });

  test('when ADMIN_PORT equals PORT, then start-up fails with a configuration error naming ADMIN_PORT', async () => {
    const port = await freePort();
    const started = startRelay(env({ PORT: String(port), ADMIN_PORT: String(port) }));
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/ADMIN_PORT/);
  });

  test('when the admin port is taken, then start-up fails and the public port is released again', async () => {
    const blocker = await startRelay(env());
    const port = await freePort();
    try {
      await expect(
        startRelay(env({ PORT: String(port), ADMIN_PORT: String(blocker.svc.adminPort) })),
      ).rejects.toThrow(/EADDRINUSE/);
      // Nothing of the failed start is left listening on its public port.
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await blocker.svc.stop();
    }
  });
});

/**
 * `pnpm test:chaos`: faults injected mid-stream into the running suite (separate processes, real
 * RabbitMQ and Postgres), each followed by a ledger check: every emitted login has exactly one
 * history row, exactly one login.assessed and each decided action carried out exactly once — or
 * sits in a dead-letter queue with a reason. Runs in band: it restarts the broker.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createDb, listDeadLetters } from '@account-security/shared';
import { waitUntil } from '@account-security/shared/testing';
import {
  ROOT,
  SERVICES,
  freePort,
  spawnService,
  stopProcess,
  waitReady,
  RunningProcess,
} from '../../scripts/suite';
import { Harness, startHarness } from '../support/harness';
import { hostileButValidAccounts, hostileMessages, hostileRequests } from './hostile';
import { Ledger, LedgerRow, LoginServer, Observer, WORK_QUEUES, setPolicies, stream } from './ledger';

const exec = promisify(execFile);
jest.setTimeout(600_000);

const COUNT = Number(process.env.CHAOS_LOGINS ?? 1500);
const RATE = Number(process.env.CHAOS_RATE ?? 100);
/** account-guard's defaults: the outbox lease (3 × the 15 s provider timeout) and round size. */
const OUTBOX_LEASE_MS = 45_000;
const OUTBOX_BATCH = 20;

interface Row extends LedgerRow {
  scenario: string;
  recoverS: number;
}
const table: Row[] = [];

interface Ctx {
  h: Harness;
  server: LoginServer;
  extra: RunningProcess[];
}

/**
 * Runs one scenario: a stream of COUNT logins at RATE/s; when `faultAt` of them are sent, the
 * fault runs (it returns when the fault has ended); then waits for the ledger to balance.
 */
async function scenario(
  name: string,
  fault: (ctx: Ctx) => Promise<void>,
  opts: {
    faultAt?: number;
    env?: Record<string, string>;
    replicas?: boolean;
    /** The fault kills account-guard: an email in the provider-accept window may be re-sent. */
    killsAccountGuard?: boolean;
    extraValid?: string[];
    hostile?: (ctx: Ctx) => Promise<number>;
  } = {},
) {
  const h = await startHarness(`chaos_${name.replace(/\W+/g, '_').slice(0, 20)}`, {
    DEFAULT_POLICY: 'none',
    RETRY_DELAYS_MS: '1000,2000,4000,8000,16000,30000',
    LOG_LEVEL: 'warn',
    // The workload sends one account many notices an hour; the hourly caps (their own tests in
    // account-guard) would skip them, and this run is about delivery, not caps.
    ACCOUNT_GUARD_NOTIFY_MAX_PER_HOUR: '100000',
    ...opts.env,
  });
  const observer = new Observer(h.vhost.url);
  await observer.ready();
  const server = new LoginServer(h.vhost.url);
  const ctx: Ctx = { h, server, extra: [] };
  const ledger = new Ledger(h, server, observer);
  try {
    if (opts.replicas) {
      for (const def of SERVICES) {
        const p = spawnService(
          def,
          { env: h.env, onLine: (svc, line) => h.logs.push(`${svc}#2 | ${line}`) },
          await freePort(),
          await freePort(),
        );
        ctx.extra.push(p);
        await waitReady(p);
      }
    }
    const prefix = name.replace(/\W+/g, '').slice(0, 12);
    const policyAccounts = await setPolicies(h, prefix);
    let faultStarted!: () => void;
    const faultTrigger = new Promise<void>((r) => (faultStarted = r));
    const threshold = Math.floor(COUNT * (opts.faultAt ?? 0.3));
    const streaming = stream(server, {
      count: COUNT,
      rate: RATE,
      prefix,
      policyAccounts,
      onProgress: (n) => n === threshold && faultStarted(),
    });
    for (const account of opts.extraValid ?? []) await server.publish(account, '211.234.10.77');
    await faultTrigger;
    const faultDone = fault(ctx).then(() => Date.now());
    const hostileCount = opts.hostile ? await opts.hostile(ctx) : 0;
    const [faultEnd] = await Promise.all([faultDone, streaming]);

    // Recovered when every login is accounted for: recorded, assessed, actions done, or dead-lettered.
    let row: LedgerRow = await ledger.check(h.smtp.messages);
    const deadline = Date.now() + 240_000;
    while (row.lost > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      row = await ledger.check(h.smtp.messages);
    }
    const recoverS = (Date.now() - faultEnd) / 1000;
    // A little longer, so late duplicates would show; after a kill of account-guard, past the
    // outbox lease (45 s), when an email claimed by the dead process is sent again.
    const settleMs = opts.killsAccountGuard
      ? Math.max(3000, faultEnd + OUTBOX_LEASE_MS + 5000 - Date.now())
      : 3000;
    await new Promise((r) => setTimeout(r, settleMs));
    row = await ledger.check(h.smtp.messages);
    table.push({ scenario: name, ...row, recoverS: row.lost > 0 ? NaN : recoverS });
    if (row.problems.length) process.stderr.write(`${name}: ${row.problems.slice(0, 10).join('\n')}\n`);

    for (const p of [...h.suite.processes.values(), ...ctx.extra]) {
      // Every process still running (or stopped by the scenario itself) — none crashed on its own.
      expect(p.child.exitCode === null || p.child.signalCode !== null || p.child.exitCode === 0).toBe(true);
    }
    expect(row.duplicates).toBe(0);
    // At most the emails one outbox round had in flight when the process died.
    expect(row.resent).toBeLessThanOrEqual(opts.killsAccountGuard ? OUTBOX_BATCH : 0);
    expect(row.lost).toBe(0);
    expect(row.sent).toBe(COUNT + (opts.extraValid?.length ?? 0));
    if (opts.hostile) expect(hostileCount).toBeGreaterThanOrEqual(50);
    return { h, row };
  } catch (err) {
    process.stderr.write(
      h.logs
        .filter((l) => /"level":"(error|fatal)"|exited|Error/.test(l))
        .slice(-30)
        .join('\n') + '\n',
    );
    throw err;
  } finally {
    await Promise.all(ctx.extra.map((p) => stopProcess(p)));
    await ledger.close();
    await server.close();
    await observer.close();
    await h.stop();
  }
}

afterAll(() => {
  const header =
    '| scenario | sent | recorded | assessed | actions done | duplicates | emails re-sent | lost | dead-lettered | time to recover |';
  const lines = [
    header,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...table.map(
      (r) =>
        `| ${r.scenario} | ${r.sent} | ${r.recorded} | ${r.assessed} | ${r.actions} | ${r.duplicates} | ${r.resent} | ${r.lost} | ${r.deadLettered} | ${Number.isNaN(r.recoverS) ? 'not recovered' : `${r.recoverS.toFixed(1)} s`} |`,
    ),
  ];
  const text = lines.join('\n');
  process.stdout.write(`\nchaos ledger (${COUNT} logins per scenario at ${RATE}/s)\n${text}\n`);
  mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  writeFileSync(
    path.join(ROOT, 'docs/chaos-report.md'),
    `# Chaos run\n\n${new Date().toISOString()}: ${COUNT} logins per scenario at ${RATE}/s, 10% foreign on lock/kick/notify/block accounts.\n\n${text}\n`,
  );
});

const rabbitmqctl = (...args: string[]) => exec('rabbitmqctl', ['-q', ...args]);

describe('the suite under faults', () => {
  test('kill -9 of each service in turn mid-stream, then restart: nothing lost, nothing doubled', async () => {
    await scenario(
      'kill -9 each service',
      async ({ h }) => {
        for (const svc of ['ip-checker', 'login-history', 'account-guard']) {
          await h.suite.restart(svc, 'SIGKILL');
          await new Promise((r) => setTimeout(r, 1500));
        }
      },
      { killsAccountGuard: true },
    );
  });

  test('RabbitMQ restarted mid-stream: services reconnect, unconfirmed publishes are retried', async () => {
    await scenario('RabbitMQ restart', async () => {
      await rabbitmqctl('stop_app');
      await new Promise((r) => setTimeout(r, 3000));
      await rabbitmqctl('start_app');
      await rabbitmqctl('await_startup');
    });
  });

  test.each(['login-history', 'account-guard'] as const)(
    "%s's database unavailable for 20 s: retried with delay, not dead-lettered, not lost",
    async (service) => {
      await scenario(`Postgres down 20 s (${service})`, async ({ h }) => {
        const url = h.dbUrls[service];
        const admin = createDb<any>(url.replace(/\/[^/]+$/, '/postgres'), { max: 1 });
        const db = new URL(url).pathname.slice(1);
        try {
          // Refuses new connections and ends the open ones: the database is gone for the service.
          await sql`alter database ${sql.id(db)} allow_connections false`.execute(admin);
          await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db}`.execute(
            admin,
          );
          await new Promise((r) => setTimeout(r, 20_000));
        } finally {
          await sql`alter database ${sql.id(db)} allow_connections true`.execute(admin);
          await admin.destroy();
        }
      });
    },
  );

  test('SMTP down for a while: locks and kicks are not delayed, emails arrive once each after it returns', async () => {
    const { h } = await scenario(
      'SMTP down 15 s',
      async ({ h }) => {
        await h.smtp.stop();
        await new Promise((r) => setTimeout(r, 15_000));
        await h.smtp.resume();
      },
      { faultAt: 0.2 },
    );
    expect(h.smtp.messages.length).toBeGreaterThan(0);
  });

  test('hostile input mixed into the stream: each rejected with a reason, no crash, every valid login processed', async () => {
    const corpus = hostileMessages();
    const requests = hostileRequests();
    await scenario('hostile input', async () => undefined, {
      extraValid: hostileButValidAccounts,
      hostile: async ({ h, server }) => {
        for (const m of corpus) await server.publishRaw(m.routingKey, m.body, m.messageId);
        // Every HTTP route, attacked while the stream flows.
        for (const r of requests) {
          const res = await fetch(h.suite.url(r.service) + r.path, {
            method: r.method,
            headers: {
              ...(r.token ? { authorization: `Bearer ${r.token}` } : {}),
              ...(r.body !== undefined ? { 'content-type': r.contentType ?? 'application/json' } : {}),
            },
            body: r.body,
          });
          const text = await res.text();
          expect({
            name: r.name,
            status: r.expect.includes(res.status) ? 'as expected' : res.status,
          }).toEqual({ name: r.name, status: 'as expected' });
          const body = JSON.parse(text);
          expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
        }
        // Every hostile message sits in a dead-letter queue, with a reason.
        const wanted = new Set(corpus.map((m) => m.messageId));
        const found = new Map<string, string>();
        await waitUntil(
          async () => {
            for (const q of WORK_QUEUES) {
              for (const l of await listDeadLetters(h.vhost.url, q, 10_000))
                if (l.messageId && wanted.has(l.messageId)) found.set(l.messageId, l.reason);
            }
            return found.size === wanted.size;
          },
          60_000,
          'every hostile message dead-lettered',
        ).catch(() => undefined);
        const missing = corpus.filter((m) => !found.has(m.messageId)).map((m) => m.name);
        expect(missing).toEqual([]);
        for (const reason of found.values())
          expect(reason).toMatch(/^(invalid_json|not_cloudevent|unknown_type|invalid_data|too_large)$/);
        return corpus.length;
      },
    });
  });

  test('two replicas of each service, one of each killed mid-stream: still exactly-once effects', async () => {
    await scenario(
      'two replicas, one killed',
      async ({ h }) => {
        for (const svc of ['ip-checker', 'login-history', 'account-guard']) {
          await stopProcess(h.suite.processes.get(svc)!, 'SIGKILL');
          await new Promise((r) => setTimeout(r, 1000));
        }
      },
      { replicas: true, faultAt: 0.4, killsAccountGuard: true },
    );
  });
});

/**
 * `pnpm test:chaos`: faults injected mid-stream into the running suite (separate processes, real
 * RabbitMQ and Postgres; one scenario on a three-node RabbitMQ cluster), each judged by the
 * independent oracle (oracle.ts) through the ledger (ledger.ts): every login recorded once and
 * assessed once with the verdict the policy table implies, every effect it must cause done
 * exactly once, nothing else done, nothing valid dead-lettered. Runs in band: it restarts the
 * broker and Postgres. CHAOS_CLUSTER=0 leaves the cluster scenario out.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createDb, listDeadLetters } from '@account-security/shared';
import { waitUntil, type TestVhost } from '@account-security/shared/testing';
import { TwilioStandIn } from '@account-security/shared/testing/twilio';
import { ROOT, SERVICES, spawnService, stopProcess, waitReady, RunningProcess } from '../../scripts/suite';
import { Harness, requestJson, startHarness, supportToken } from '../support/harness';
import { type Cluster, startCluster } from './cluster';
import { hostileButValidAccounts, hostileMessages, hostileRequests } from './hostile';
import { LedgerRow, allLogins, judge } from './ledger';
import { Collector, LoginServer, Observer, WORK_QUEUES } from './observe';
import { AccountPlan, Plan, PlannedLogin, buildPlan, extraLogin, plainAccount } from './oracle';

const exec = promisify(execFile);
jest.setTimeout(900_000);

const COUNT = Number(process.env.CHAOS_LOGINS ?? 1500);
const RATE = Number(process.env.CHAOS_RATE ?? 100);
const WITH_CLUSTER = process.env.CHAOS_CLUSTER !== '0';
/** account-guard's defaults: the outbox lease (3 × the 15 s provider timeout) and round size. */
const OUTBOX_LEASE_MS = 45_000;
const OUTBOX_BATCH = 20;
const REPORT_DIR = path.join(ROOT, '.tmp');
/**
 * The run proves delivery, not detection (that is `pnpm bench:detection`): its workload sends one
 * account's logins from Korea, Japan and the US seconds apart and in scrambled order, so SPEC §7's
 * signals from the account's past (impossible travel, new device or network, the risk score, a
 * hosting network first seen) would depend on arrival order. They are switched off with their
 * own settings, and the oracle keeps SPEC §4's country rule, which does not.
 */
const HISTORY_SIGNALS_OFF: Record<string, string> = {
  SIGNAL_MIN_HISTORY: '1000000000',
  IMPOSSIBLE_TRAVEL_MIN_KM: '100000',
  RISK_UNUSUAL_THRESHOLD: '101',
  HOSTING_ASNS_PATH: path.join(__dirname, 'no-hosting-asns.json'),
};

/** CHAOS_ENV="K=V,K=V": settings for every service of every scenario (try the run with other settings). */
const CHAOS_ENV = Object.fromEntries(
  (process.env.CHAOS_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

interface Row extends LedgerRow {
  scenario: string;
  recoverS: number;
  note?: string;
}
const table: Row[] = [];

interface Ctx {
  h: Harness;
  server: LoginServer;
  observer: Observer;
  extra: RunningProcess[];
  /** Said in the report's note column (failover time, alarm figures...). */
  notes: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** account-guard's HTTP API as support staff, on whichever of its processes is alive. */
type GuardApi = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: any; text: string }>;

function guardApi(h: Harness, extra: RunningProcess[]): GuardApi {
  return async (method, p, body) => {
    const live = [
      h.suite.processes.get('account-guard'),
      ...extra.filter((x) => x.def.name === 'account-guard'),
    ].find((x) => x && x.child.exitCode === null && x.child.signalCode === null);
    const base = live ? `http://127.0.0.1:${live.port}` : h.suite.url('account-guard');
    return requestJson(base + p, method, supportToken(), body);
  };
}

/** Support staff set every planned account's protection. */
async function configure(api: GuardApi, plan: Plan) {
  for (const a of plan.accounts.values()) if (a.policy) await putProtection(api, a);
}

async function putProtection(api: GuardApi, a: AccountPlan) {
  const res = await api('PUT', `/v1/accounts/${encodeURIComponent(a.id)}/protection`, {
    policy: a.policy,
    channels: a.channels,
    email: a.email,
    phone: a.phone,
    trustedCountries: a.trustedCountries,
    locale: a.id.length % 2 ? 'ko' : 'en',
  });
  if (res.status !== 200) throw new Error(`protection of ${a.id}: ${res.status} ${res.text}`);
}

/** Support unlocks an account; retried while a fault makes account-guard answer 5xx. */
async function unlock(api: GuardApi, account: string) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const res = await api('POST', `/v1/accounts/${encodeURIComponent(account)}/unlock`, {
      reason: 'chaos run: the owner proved who they are',
    }).catch((err: Error) => ({ status: 0, text: err.message }));
    if (res.status === 200) return;
    if (Date.now() > deadline || (res.status >= 400 && res.status < 500))
      throw new Error(`unlock of ${account}: ${res.status} ${res.text}`);
    await sleep(500);
  }
}

async function isLocked(api: GuardApi, account: string): Promise<boolean> {
  const res = await api('GET', `/v1/accounts/${encodeURIComponent(account)}/status`);
  return res.status === 200 && res.body?.locked === true;
}

/** Judges until `until` holds or the deadline passes; a source that cannot be read is retried. */
async function judgeUntil(
  collector: Collector,
  plan: Plan,
  logins: () => PlannedLogin[],
  until: (r: LedgerRow) => boolean,
  timeoutMs: number,
): Promise<LedgerRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const obs = await collector.observe().catch(() => null);
    const row = obs ? judge(plan, logins(), obs) : null;
    if (row && (until(row) || Date.now() > deadline)) return row;
    if (!row && Date.now() > deadline) throw new Error('the ledger could not read its sources');
    await sleep(1000);
  }
}

interface ScenarioOpts {
  faultAt?: number;
  env?: Record<string, string>;
  replicas?: boolean;
  /**
   * The fault takes account-guard's process or database away: a notice in the window between
   * the provider's accept and marking it sent may be sent again.
   */
  mayResend?: boolean;
  extraValid?: string[];
  hostile?: (ctx: Ctx) => Promise<number>;
  /** A vhost to run on instead of one on the machine's broker (the cluster scenario). */
  vhost?: TestVhost;
}

/**
 * One scenario: accounts of every policy set up (some locked by a setup login first); a stream
 * of COUNT logins at RATE/s over them; when `faultAt` of them are sent the fault runs (it returns
 * when the fault has ended); halfway, support unlocks some accounts, which then get one login
 * each. Then: wait until the ledger balances, wait past the outbox lease so a late re-send would
 * show, send a sentinel login through the whole path, and judge once more.
 */
async function scenario(name: string, fault: (ctx: Ctx) => Promise<void>, opts: ScenarioOpts = {}) {
  const label = `chaos_${name.replace(/\W+/g, '_').slice(0, 20)}`;
  const twilio = await TwilioStandIn.start();
  const h = await startHarness(
    label,
    {
      DEFAULT_POLICY: 'none',
      RETRY_DELAYS_MS: '1000,2000,4000,8000,16000,30000',
      LOG_LEVEL: 'warn',
      TWILIO_ACCOUNT_SID: `AC${'c'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'chaos-twilio-token',
      TWILIO_FROM: '+15005550006',
      TWILIO_API_URL: twilio.baseUrl,
      ...HISTORY_SIGNALS_OFF,
      ...CHAOS_ENV,
      ...opts.env,
    },
    opts.vhost ? { vhost: opts.vhost } : undefined,
  ).catch(async (err) => {
    await twilio.stop();
    throw err;
  });
  const observer = new Observer(h.vhost.url);
  const server = new LoginServer(h.vhost.url);
  const collector = new Collector(h.vhost.url, h.dbUrls['login-history'], observer, h.smtp, twilio);
  const ctx: Ctx = { h, server, observer, extra: [], notes: [] };
  const prefix = name.replace(/\W+/g, '').slice(0, 12);
  const plan = buildPlan({ prefix, count: COUNT, smsEnabled: true });
  const extra: PlannedLogin[] = [];
  const logins = () => [...allLogins(plan), ...extra];
  try {
    await observer.ready();
    if (opts.replicas) {
      for (const def of SERVICES) {
        const p = spawnService(
          def,
          { env: h.env, onLine: (svc, line) => h.logs.push(`${svc}#2 | ${line}`) },
          0,
          0,
        );
        ctx.extra.push(p);
        await waitReady(p);
      }
    }
    const api = guardApi(h, ctx.extra);
    await configure(api, plan);
    // The sentinel's account (see below), set up now, while every process is up.
    const sentinelAccount: AccountPlan = {
      id: `${prefix}-sentinel`,
      policy: 'kick',
      channels: ['email', 'in_game'],
      email: `${prefix}-sentinel@example.test`,
      phone: null,
      trustedCountries: [],
      preLocked: false,
      unlockedMidRun: false,
    };
    await putProtection(api, sentinelAccount);
    // Setup: lock the accounts that must be locked before the stream, and wait until they are.
    for (const l of plan.setup) await server.publish(l);
    await waitUntil(
      async () => {
        for (const a of plan.accounts.values()) if (a.preLocked && !(await isLocked(api, a.id))) return false;
        return true;
      },
      60_000,
      'the setup locks in force',
    );

    let faultStarted!: () => void;
    const faultTrigger = new Promise<void>((r) => (faultStarted = r));
    const faultAt = Math.floor(COUNT * (opts.faultAt ?? 0.3));
    let unlocked!: () => void;
    const unlockTrigger = new Promise<void>((r) => (unlocked = r));
    const started = Date.now();
    const inFlight: Promise<string>[] = [];
    const streaming = (async () => {
      for (let i = 0; i < plan.stream.length; i++) {
        const wait = started + (i / RATE) * 1000 - Date.now();
        if (wait > 0) await sleep(wait);
        inFlight.push(server.publish(plan.stream[i]!));
        if (i + 1 === faultAt) faultStarted();
        if (i + 1 === Math.floor(COUNT / 2)) unlocked();
      }
      for (const account of opts.extraValid ?? []) {
        const l = extraLogin(plan, plainAccount(account), 'home', 'stream');
        extra.push(l);
        inFlight.push(server.publish(l));
      }
      await Promise.all(inFlight);
    })();
    const unlocking = (async () => {
      await unlockTrigger;
      for (const account of plan.unlocks) await unlock(api, account);
      // Only now, with each unlock committed, their one login each.
      for (const l of plan.afterUnlock) await server.publish(l);
    })();
    await faultTrigger;
    const faultDone = fault(ctx).then(() => Date.now());
    const hostileCount = opts.hostile ? await opts.hostile(ctx) : 0;
    const [faultEnd] = await Promise.all([faultDone, streaming, unlocking]);

    // Recovered when every login is accounted for: recorded, assessed, its effects done.
    let row = await judgeUntil(collector, plan, logins, (r) => r.lost === 0, 240_000);
    const recoverS = (Date.now() - faultEnd) / 1000;
    // Past the outbox lease after the fault, so a notice claimed by a process that died, or
    // sent to a provider that hung, would show if it went out twice.
    await sleep(Math.max(0, faultEnd + OUTBOX_LEASE_MS + 5000 - Date.now()));
    // The barrier: a sentinel login through the whole path (kick, email, in-game message) after
    // everything else; when its effects are in, whatever was queued before it has had its turn.
    const sentinel = extraLogin(plan, sentinelAccount, 'foreign', 'sentinel');
    extra.push(sentinel);
    await server.publish(sentinel);
    row = await judgeUntil(collector, plan, logins, (r) => r.lost === 0, 120_000);
    const notes = [...ctx.notes];
    if (row.noticesResent) notes.push(`${row.noticesResent} notices re-sent`);
    table.push({ scenario: name, ...row, recoverS: row.lost > 0 ? NaN : recoverS, note: notes.join('; ') });
    if (row.problems.length) process.stderr.write(`${name}:\n${row.problems.slice(0, 20).join('\n')}\n`);

    for (const p of [...h.suite.processes.values(), ...ctx.extra]) {
      // Every process still running (or stopped by the scenario itself): none crashed on its own.
      expect(p.child.exitCode === null || p.child.signalCode !== null || p.child.exitCode === 0).toBe(true);
    }
    expect(row.problems.slice(0, 20)).toEqual([]);
    expect(row.duplicateEffects).toBe(0);
    expect(row.unexpectedEffects).toBe(0);
    expect(row.lost).toBe(0);
    expect(row.deadLetteredValid).toBe(0);
    // A notice goes out again only when the process that sent it, or its database, went away
    // between the provider's accept and marking it sent: at most one outbox round.
    expect(row.noticesResent).toBeLessThanOrEqual(opts.mayResend ? OUTBOX_BATCH : 0);
    expect(row.sent).toBe(logins().length);
    expect(observer.unreadable).toBe(0);
    if (opts.hostile) expect(hostileCount).toBeGreaterThanOrEqual(50);
    return { h, row, twilio };
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
    await collector.close();
    await server.close();
    await observer.close();
    await h.stop();
    await twilio.stop();
  }
}

afterAll(() => {
  const lines = [
    '| scenario | sent | recorded | assessed | expected effects | effects done | duplicate deliveries | duplicate effects | unexpected effects | lost | dead-lettered valid logins | time to recover | notes |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...table.map(
      (r) =>
        `| ${r.scenario} | ${r.sent} | ${r.recorded} | ${r.assessed} | ${r.expectedEffects} | ${r.effectsDone} | ${r.duplicateDeliveries} | ${r.duplicateEffects} | ${r.unexpectedEffects} | ${r.lost} | ${r.deadLetteredValid} | ${Number.isNaN(r.recoverS) ? 'not recovered' : `${r.recoverS.toFixed(1)} s`} | ${r.note ?? ''} |`,
    ),
  ];
  const text = lines.join('\n');
  process.stdout.write(`\nchaos ledger (${COUNT} logins per scenario at ${RATE}/s)\n${text}\n`);
  const report = `# Chaos run\n\n${new Date().toISOString()}: ${COUNT} stream logins per scenario at ${RATE}/s over accounts of every policy (none, notify, kick, block, lock; accounts locked before the stream; accounts unlocked by support mid-run), plus setup, after-unlock and sentinel logins; judged by the independent oracle of \`test/chaos/oracle.ts\`.\n\n${text}\n`;
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(path.join(REPORT_DIR, 'chaos-report.md'), report);
  // The committed copy is refreshed only on request (UPDATE_DOCS=1), from a full run.
  if (process.env.UPDATE_DOCS === '1') writeFileSync(path.join(ROOT, 'docs/chaos-report.md'), report);
});

const rabbitmqctl = (...args: string[]) => exec('rabbitmqctl', ['-q', ...args]);

/** Resident memory of a process in MB (Linux). */
function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

describe('the suite under faults', () => {
  test('kill -9 of each service in turn mid-stream, then restart: nothing lost, nothing doubled', async () => {
    await scenario(
      'kill -9 each service',
      async ({ h }) => {
        for (const svc of ['ip-checker', 'login-history', 'account-guard']) {
          await h.suite.restart(svc, 'SIGKILL');
          await sleep(1500);
        }
      },
      { mayResend: true },
    );
  });

  test('RabbitMQ restarted mid-stream: services reconnect, unconfirmed publishes are retried', async () => {
    await scenario('RabbitMQ restart', async () => {
      await rabbitmqctl('stop_app');
      await sleep(3000);
      await rabbitmqctl('start_app');
      await rabbitmqctl('await_startup');
    });
  });

  test('RabbitMQ memory alarm for 15 s: publishers blocked, nothing lost, service memory bounded', async () => {
    const { stdout } = await rabbitmqctl('eval', 'vm_memory_monitor:get_vm_memory_high_watermark().');
    // A value this low is a killed earlier run's alarm, not the broker's setting: RabbitMQ's default.
    const watermark = Number(stdout.trim()) < 0.01 ? '0.4' : stdout.trim();
    expect(watermark).toMatch(/^[\d.]+$|^\{absolute,\d+\}$/);
    await scenario('memory alarm 15 s', async ({ h, observer, notes }) => {
      const pids = [...h.suite.processes.values()].map((p) => p.child.pid);
      const before = pids.map(rssMb);
      const peak = [...before];
      try {
        await rabbitmqctl('set_vm_memory_high_watermark', '0.000001');
        await sleep(2000);
        const flowing = observer.messages.length;
        for (let s = 0; s < 13; s++) {
          await sleep(1000);
          pids.forEach((pid, i) => (peak[i] = Math.max(peak[i]!, rssMb(pid))));
        }
        const published = observer.messages.length - flowing;
        notes.push(
          `${published} messages published in 13 s of alarm; RSS peak ${peak.map((m) => m.toFixed(0)).join('/')} MB (before ${before.map((m) => m.toFixed(0)).join('/')})`,
        );
        // Blocked: nothing (beyond what was in flight) got through while the alarm lasted.
        expect(published).toBeLessThan(50);
        // Bounded: the services waited instead of buffering the stream in memory.
        for (const mb of peak) expect(mb).toBeLessThan(400);
      } finally {
        if (watermark.startsWith('{absolute'))
          await rabbitmqctl('set_vm_memory_high_watermark', 'absolute', watermark.replace(/\D/g, ''));
        else await rabbitmqctl('set_vm_memory_high_watermark', watermark);
      }
    });
  });

  test.each(['login-history', 'account-guard'] as const)(
    "%s's database unavailable for 20 s: retried with delay, not dead-lettered, not lost",
    async (service) => {
      await scenario(
        `Postgres down 20 s (${service})`,
        async ({ h }) => {
          const url = h.dbUrls[service];
          const admin = createDb<any>(url.replace(/\/[^/]+$/, '/postgres'), { max: 1 });
          const db = new URL(url).pathname.slice(1);
          try {
            // Refuses new connections and ends the open ones: the database is gone for the service.
            await sql`alter database ${sql.id(db)} allow_connections false`.execute(admin);
            await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db}`.execute(
              admin,
            );
            await sleep(20_000);
          } finally {
            await sql`alter database ${sql.id(db)} allow_connections true`.execute(admin);
            await admin.destroy();
          }
        },
        { mayResend: service === 'account-guard' },
      );
    },
  );

  test('Postgres restarted under load: both databases come back, nothing lost', async () => {
    const version = (await exec('ls', ['/etc/postgresql'])).stdout.trim().split('\n')[0]!;
    await scenario(
      'Postgres restart',
      async () => {
        await exec('pg_ctlcluster', [
          '--skip-systemctl-redirect',
          version,
          'main',
          'restart',
          '--mode',
          'fast',
        ]);
        await waitUntil(
          async () =>
            await exec('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432'])
              .then(() => true)
              .catch(() => false),
          60_000,
          'Postgres accepting connections again',
        );
      },
      { mayResend: true },
    );
  });

  test('SMTP down for a while: locks and kicks are not delayed, emails arrive once each after it returns', async () => {
    const { h } = await scenario(
      'SMTP down 15 s',
      async ({ h }) => {
        await h.smtp.stop();
        await sleep(15_000);
        await h.smtp.resume();
      },
      { faultAt: 0.2 },
    );
    expect(h.smtp.messages.length).toBeGreaterThan(0);
  });

  test('SMTP accepts connections and never answers for 30 s: notices wait, then go out once each', async () => {
    let hung = 0;
    await scenario(
      'SMTP hung 30 s',
      async ({ h, notes }) => {
        await h.smtp.hang();
        await sleep(30_000);
        hung = h.smtp.hungConnections;
        notes.push(`${hung} SMTP connections held without a greeting`);
        await h.smtp.resume();
      },
      { faultAt: 0.2 },
    );
    expect(hung).toBeGreaterThan(0);
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
          await sleep(1000);
        }
      },
      { replicas: true, faultAt: 0.4, mayResend: true },
    );
  });

  (WITH_CLUSTER ? describe : describe.skip)('on a three-node RabbitMQ cluster', () => {
    let cluster: Cluster | undefined;
    beforeAll(async () => {
      cluster = await startCluster();
    }, 180_000);
    afterAll(async () => {
      await cluster?.stop();
    }, 120_000);

    test('the node leading the work queues killed (kill -9) mid-stream and restarted: the suite fails over', async () => {
      const c = cluster!;
      const vhost = await c.createVhost('chaos_cluster');
      let failoverS = NaN;
      await scenario(
        'cluster: leader node killed',
        async ({ notes }) => {
          // The node that leads most of the work queues (quorum queues, a replica on each node).
          const leaders = await Promise.all(WORK_QUEUES.map((q) => c.leaderOf(vhost.name, q)));
          for (const q of WORK_QUEUES) expect((await c.membersOf(vhost.name, q)).length).toBe(3);
          const victim = leaders
            .map((n) => [n, leaders.filter((m) => m.name === n.name).length] as const)
            .sort((a, b) => b[1] - a[1])[0]![0];
          const killedAt = Date.now();
          await c.kill(victim);
          await waitUntil(
            async () => {
              for (const q of WORK_QUEUES) {
                const leader = await c.leaderOf(vhost.name, q).catch(() => null);
                if (!leader || leader.name === victim.name) return false;
              }
              return true;
            },
            60_000,
            'a new leader for every work queue',
          );
          failoverS = (Date.now() - killedAt) / 1000;
          await sleep(10_000);
          await c.restart(victim);
          notes.push(
            `killed ${victim.name} (led ${leaders.filter((n) => n.name === victim.name).length} of 3 work queues); new leaders in ${failoverS.toFixed(1)} s`,
          );
        },
        { vhost },
      );
      expect(failoverS).toBeLessThan(60);
    });
  });
});

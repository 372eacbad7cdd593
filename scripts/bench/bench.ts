/**
 * `pnpm bench [--quick]`: end-to-end throughput and latency of the suite against the broker's
 * own limit, measured in one run on this machine, against the local RabbitMQ and Postgres (own
 * vhost, own databases). Prints a table and writes docs/benchmarks.md.
 *
 * 1. Baseline: a raw relay chain with no business logic (publisher → consume/republish with
 *    confirms → consume/republish → consume), same message size, queue type, prefetch and
 *    confirm settings as the services. Its maximum sustained rate is the ceiling.
 * 2. The suite: the three services as separate processes exactly as `pnpm start` runs them,
 *    fed by a login-server load generator; latency = publish of `login.succeeded` → `login.assessed`
 *    observed. Maximum sustained rate: a flood estimate, then windows at decreasing rates until
 *    the backlog does not grow over the window; then latency at 1,000/s and at half the maximum.
 */
import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import amqplib from 'amqplib';
import jwt from 'jsonwebtoken';
import { EVENTS_EXCHANGE, LOGIN_SUCCEEDED, createEvent } from '@account-security/shared/contracts';
import { dropDatabase, ensureDatabase } from '@account-security/shared';
import { ROOT, SERVICES, Suite, freePort, startSuite } from '../suite';
import {
  Message,
  ProcessSampler,
  Tracker,
  flood,
  percentile,
  pidsOf,
  processTree,
  publishAt,
  waitFor,
} from './measure';

const quick = process.argv.includes('--quick');
const argValue = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const WINDOW_S = quick ? 8 : 30;
const FLOOD = quick ? 6000 : 20000;
const TRIES = quick ? 2 : 4;
const PREFETCH = Number(process.env.PREFETCH ?? 200);
/** CPU per message is measured at one fixed rate for both systems, over several windows. */
const COST_RATE = Number(argValue('--cost-rate') ?? 1000);
const COST_WINDOWS = quick ? 3 : 5;
const COST_WINDOW_S = quick ? 8 : 15;
/** Queues a message crosses: the relay chain's hop1–hop3; SPEC's four events of one login. */
const RELAY_HOPS = 3;
const SUITE_HOPS = 4;
const costOnly = process.argv.includes('--cost-only');
const LOAD = 'bench (load + observer)';
const QUEUE_TYPE = process.env.QUEUE_TYPE ?? 'quorum';
const AMQP_BASE = process.env.BENCH_AMQP_BASE ?? 'amqp://guest:guest@127.0.0.1:5672';
const PG_BASE = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
const log = (s: string) => process.stdout.write(`[bench] ${s}\n`);

const ACCOUNTS = 10000;
const POLICY_ACCOUNTS: [string, number][] = [
  ['lock', 100],
  ['kick', 100],
  ['block', 50],
  ['notify', 150],
];
const HOME = ['211.234.10', '175.223.10', '121.134.5', '1.224.0', '59.5.1', '58.120.1'];
const FOREIGN = ['133.0.0', '8.8.8', '81.2.69', '46.4.1'];
const rnd = (n: number) => Math.floor(Math.random() * n);

function loginMessage(foreignShare = 0.05): Message {
  const foreign = Math.random() < foreignShare;
  // Foreign logins land on accounts with a chosen policy, so every policy's actions are exercised.
  const account = foreign ? rnd(400) : rnd(ACCOUNTS);
  const accountId = `bench-${account}`;
  const ip = `${(foreign ? FOREIGN : HOME)[rnd(foreign ? FOREIGN.length : HOME.length)]}.${1 + rnd(250)}`;
  const e = createEvent({
    type: LOGIN_SUCCEEDED,
    source: 'bench/login-server',
    subject: accountId,
    data: {
      accountId,
      sessionId: randomUUID(),
      ip,
      client: { platform: 'pc', version: '1.0.0' },
      homeCountry: 'KR',
    },
  });
  return {
    id: e.id,
    routingKey: LOGIN_SUCCEEDED,
    body: Buffer.from(JSON.stringify(e)),
    props: {
      persistent: true,
      contentType: 'application/cloudevents+json',
      messageId: e.id,
      type: e.type,
      correlationId: e.id,
    },
  };
}

interface System {
  name: string;
  tracker: Tracker;
  publish: amqplib.ConfirmChannel;
  exchange: string;
  make: () => Message;
  groups: () => Map<string, number[]>;
}

interface WindowResult {
  rate: number;
  achieved: number;
  sustained: boolean;
  backlogMid: number;
  backlogEnd: number;
  p50: number;
  p95: number;
  p99: number;
  usage: Map<string, { cores: number; peakRssMb: number }>;
}

async function drain(sys: System, timeoutMs = 60000) {
  if (!(await waitFor(() => sys.tracker.backlog <= 0, timeoutMs))) {
    throw new Error(`${sys.name}: ${sys.tracker.backlog} messages still unobserved after ${timeoutMs} ms`);
  }
}

async function estimateCapacity(sys: System): Promise<number> {
  const t = sys.tracker;
  const base = t.observed;
  const marks: number[] = [];
  const poll = setInterval(() => marks.push(t.observed - base), 100);
  const started = performance.now();
  await flood(sys.publish, sys.exchange, FLOOD, sys.make, t);
  await drain(sys, 120000);
  clearInterval(poll);
  // Throughput between 20% and 80% observed: the system saturated, past start-up and tail.
  const at = (share: number) => marks.findIndex((n) => n >= share * FLOOD);
  const i20 = at(0.2);
  const i80 = at(0.8);
  const rate =
    i80 > i20 ? (0.6 * FLOOD) / ((i80 - i20) / 10) : FLOOD / ((performance.now() - started) / 1000);
  log(`${sys.name}: flood of ${FLOOD} drained at ~${Math.round(rate)}/s`);
  return rate;
}

async function runWindow(sys: System, rate: number, seconds = WINDOW_S): Promise<WindowResult> {
  const t = sys.tracker;
  t.reset();
  const backlog: number[] = [];
  const sampler = new ProcessSampler(sys.groups);
  sampler.start();
  const startObserved = t.observed;
  const started = performance.now();
  await publishAt(sys.publish, sys.exchange, rate, seconds, sys.make, t, () => backlog.push(t.backlog));
  const achieved = (t.observed - startObserved) / ((performance.now() - started) / 1000);
  const usage = sampler.stop();
  const backlogMid = backlog[Math.floor(backlog.length / 2)] ?? 0;
  const backlogEnd = t.backlog;
  // Sustained: the backlog did not grow over the window and stays under half a second of input.
  const sustained = backlogEnd <= Math.max(0.5 * rate, 1.5 * backlogMid + 50) && backlogEnd < rate;
  await drain(sys, 120000);
  const lat = t.latencies;
  return {
    rate,
    achieved,
    sustained,
    backlogMid,
    backlogEnd,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    usage,
  };
}

async function findMax(sys: System): Promise<{ max: WindowResult; capacity: number; tries: WindowResult[] }> {
  const capacity = await estimateCapacity(sys);
  let rate = Math.floor((capacity * 0.95) / 50) * 50;
  const tries: WindowResult[] = [];
  let failedAt: number | undefined;
  for (let i = 0; i < TRIES; i++) {
    const r = await runWindow(sys, rate);
    tries.push(r);
    log(
      `${sys.name}: ${rate}/s for ${WINDOW_S}s → ${r.sustained ? 'sustained' : 'backlog grew'} (backlog mid ${r.backlogMid}, end ${r.backlogEnd}; p99 ${r.p99.toFixed(0)} ms)`,
    );
    if (r.sustained) {
      // One step back up, halfway to the rate that failed: the 12% steps are coarse.
      const between = failedAt === undefined ? 0 : Math.floor((rate + failedAt) / 2 / 50) * 50;
      if (between > rate) {
        const up = await runWindow(sys, between);
        tries.push(up);
        log(
          `${sys.name}: ${between}/s for ${WINDOW_S}s → ${up.sustained ? 'sustained' : 'backlog grew'} (backlog mid ${up.backlogMid}, end ${up.backlogEnd}; p99 ${up.p99.toFixed(0)} ms)`,
        );
        if (up.sustained) return { max: up, capacity, tries };
      }
      return { max: r, capacity, tries };
    }
    failedAt = rate;
    rate = Math.floor((rate * 0.88) / 50) * 50;
  }
  const last = await runWindow(sys, rate);
  tries.push(last);
  log(`${sys.name}: ${rate}/s → ${last.sustained ? 'sustained' : 'backlog grew'}`);
  return { max: last, capacity, tries };
}

interface Cost {
  rate: number;
  /** Median over the windows: ms of CPU per message, for all processes but the load generator. */
  msPerMessage: number;
  /** Lowest and highest window. */
  spread: [number, number];
  /** Median per process group (the load generator included, shown apart). */
  perGroup: Map<string, number>;
  windows: number;
  sustained: number;
  p99: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * CPU per message at a fixed rate: each window's CPU seconds of every process (cores × window)
 * divided by the messages observed in it, the median of several windows.
 */
async function measureCost(sys: System, rate: number): Promise<Cost> {
  const totals: number[] = [];
  const groups = new Map<string, number[]>();
  const p99s: number[] = [];
  let sustained = 0;
  for (let i = 0; i < COST_WINDOWS; i++) {
    const r = await runWindow(sys, rate, COST_WINDOW_S);
    if (r.sustained) sustained++;
    p99s.push(r.p99);
    // CPU per message observed: messages per second achieved, not the rate asked for.
    const per = (cores: number) => (1000 * cores) / r.achieved;
    let total = 0;
    for (const [name, u] of r.usage) {
      groups.set(name, [...(groups.get(name) ?? []), per(u.cores)]);
      if (name !== LOAD) total += per(u.cores);
    }
    totals.push(total);
    log(
      `${sys.name}: cost window ${i + 1}/${COST_WINDOWS} at ${rate}/s → ${total.toFixed(3)} ms CPU per message`,
    );
  }
  return {
    rate,
    msPerMessage: median(totals),
    spread: [Math.min(...totals), Math.max(...totals)],
    perGroup: new Map([...groups].map(([name, xs]) => [name, median(xs)])),
    windows: COST_WINDOWS,
    sustained,
    p99: median(p99s),
  };
}

async function rabbitmqctl(...args: string[]) {
  return execFileSync('rabbitmqctl', ['-q', ...args])
    .toString()
    .trim();
}

async function baseline(
  vhostUrl: string,
  costRate: number,
): Promise<{ max?: WindowResult; capacity?: number; cost: Cost }> {
  const exchange = 'bench.relay';
  const conn = await amqplib.connect(vhostUrl, { noDelay: true });
  const setup = await conn.createChannel();
  await setup.assertExchange(exchange, 'topic', { durable: true });
  for (const hop of ['hop1', 'hop2', 'hop3']) {
    await setup.assertQueue(`bench.${hop}`, { durable: true, arguments: { 'x-queue-type': QUEUE_TYPE } });
    await setup.bindQueue(`bench.${hop}`, exchange, hop);
  }
  const relays: ChildProcess[] = [];
  for (const [from, to] of [
    ['bench.hop1', 'hop2'],
    ['bench.hop2', 'hop3'],
  ]) {
    const child = fork(path.join(__dirname, 'relay.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        AMQP_URL: vhostUrl,
        FROM_QUEUE: from,
        TO_KEY: to,
        EXCHANGE: exchange,
        PREFETCH: String(PREFETCH),
      },
    });
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
    });
    relays.push(child);
  }
  const tracker = new Tracker();
  const final = await conn.createChannel();
  await final.prefetch(PREFETCH);
  await final.consume('bench.hop3', (m) => {
    if (!m) return;
    tracker.markObserved(m.properties.messageId);
    final.ack(m);
  });
  const sys: System = {
    name: 'baseline',
    tracker,
    publish: await conn.createConfirmChannel(),
    exchange,
    make: () => ({ ...loginMessage(), routingKey: 'hop1' }),
    groups: () =>
      new Map([
        ['relay 1', processTree(relays[0]!.pid!)],
        ['relay 2', processTree(relays[1]!.pid!)],
        ['rabbitmq', pidsOf('rabbitmq', 'beam.smp')],
        [LOAD, [process.pid]],
      ]),
  };
  try {
    const fixedRate = Number(argValue('--rate') ?? 0);
    if (fixedRate > 0) {
      const r = await runWindow(sys, fixedRate);
      log(`baseline: ${fixedRate}/s → p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} ms`);
      logUsage(r.usage);
      return { max: r, capacity: fixedRate, cost: await measureCost(sys, fixedRate) };
    }
    await runWindow(sys, 200, quick ? 2 : 5); // warm-up
    const cost = await measureCost(sys, costRate);
    if (costOnly) return { cost };
    const { max, capacity } = await findMax(sys);
    return { max, capacity, cost };
  } finally {
    relays.forEach((r) => r.kill('SIGTERM'));
    await conn.close();
  }
}

async function suiteRun(vhostUrl: string, runId: string, costRate: number) {
  const secret = randomUUID() + randomUUID();
  const dbUrls = {
    'login-history': `${PG_BASE}/bench_login_history_${runId}`,
    'account-guard': `${PG_BASE}/bench_account_guard_${runId}`,
  };
  for (const url of Object.values(dbUrls)) await ensureDatabase(url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AMQP_URL: vhostUrl,
    LOG_LEVEL: 'warn',
    AUTH_JWT_SECRET: secret,
    QUEUE_TYPE,
    PREFETCH: String(PREFETCH),
    LOGIN_HISTORY_DATABASE_URL: dbUrls['login-history'],
    ACCOUNT_GUARD_DATABASE_URL: dbUrls['account-guard'],
    IP_CHECKER_PORT: String(await freePort()),
    LOGIN_HISTORY_PORT: String(await freePort()),
    ACCOUNT_GUARD_PORT: String(await freePort()),
    IP_CHECKER_ADMIN_PORT: String(await freePort()),
    LOGIN_HISTORY_ADMIN_PORT: String(await freePort()),
    ACCOUNT_GUARD_ADMIN_PORT: String(await freePort()),
    // Setting up the policy accounts is some 400 requests of one support token within seconds.
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  for (const k of ['SMTP_URL', 'MAIL_FROM', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'])
    delete env[k];
  let suite: Suite | undefined;
  const conn = await amqplib.connect(vhostUrl, { noDelay: true });
  try {
    suite = await startSuite({
      env,
      onLine: (svc, line, stream) => stream === 'stderr' && log(`${svc}: ${line}`),
    });
    const support = jwt.sign({ roles: ['support'] }, secret, {
      subject: 'bench',
      expiresIn: '2h',
      algorithm: 'HS256',
    });
    let account = 0;
    for (const [policy, n] of POLICY_ACCOUNTS) {
      for (let i = 0; i < n; i++, account++) {
        const res = await fetch(`${suite.url('account-guard')}/v1/accounts/bench-${account}/protection`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${support}`, 'content-type': 'application/json' },
          body: JSON.stringify({ policy, channels: ['in_game'], trustedCountries: [], locale: 'en' }),
        });
        if (!res.ok) throw new Error(`setting policy: ${res.status} ${await res.text()}`);
      }
    }
    const tracker = new Tracker();
    const observe = await conn.createChannel();
    const { queue } = await observe.assertQueue('', { exclusive: true, autoDelete: true });
    await observe.bindQueue(queue, EVENTS_EXCHANGE, 'login.assessed');
    await observe.prefetch(PREFETCH);
    await observe.consume(queue, (m) => {
      if (!m) return;
      tracker.markObserved(JSON.parse(m.content.toString()).correlationid);
      observe.ack(m);
    });
    const s = suite;
    const sys: System = {
      name: 'suite',
      tracker,
      publish: await conn.createConfirmChannel(),
      exchange: EVENTS_EXCHANGE,
      make: () => loginMessage(),
      groups: () =>
        new Map([
          ...SERVICES.map(
            (d) => [d.name, processTree(s.processes.get(d.name)!.child.pid!)] as [string, number[]],
          ),
          ['rabbitmq', pidsOf('rabbitmq', 'beam.smp')],
          ['postgres', pidsOf('postgres', 'postgres')],
          [LOAD, [process.pid]],
        ]),
    };
    // Warm-up: JIT, connection pools, first partitions.
    await runWindow(sys, 200, quick ? 2 : 5);
    const fixedRate = Number(argValue('--rate') ?? 0);
    if (fixedRate > 0) {
      // Development: one window at a given rate, with each service's own handling time.
      const r = await runWindow(sys, fixedRate);
      log(
        `suite: ${fixedRate}/s → ${r.sustained ? 'sustained' : 'backlog grew'}; p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} p99 ${r.p99.toFixed(1)} ms`,
      );
      for (const d of SERVICES) {
        const text = await (await fetch(`${s.adminUrl(d.name)}/metrics`)).text();
        for (const line of text
          .split('\n')
          .filter((l) =>
            /^(message_(handling_seconds|batch_size)_(sum|count)|nodejs_heap_size_(total|used)_bytes|nodejs_external_memory_bytes|process_resident_memory_bytes|nodejs_heap_space_size_total_bytes)/.test(
              l,
            ),
          ))
          log(`  ${d.name}: ${line}`);
      }
      logUsage(r.usage);
      return { max: r, capacity: fixedRate, at1000: undefined, half: r, duplicates: tracker.duplicates };
    }
    const cost = await measureCost(sys, costRate);
    if (costOnly) return { cost, duplicates: tracker.duplicates };
    const { max, capacity } = await findMax(sys);
    const at1000 = max.rate >= 1000 ? await runWindow(sys, 1000) : undefined;
    if (at1000)
      log(
        `suite: 1000/s → p50 ${at1000.p50.toFixed(1)} p95 ${at1000.p95.toFixed(1)} p99 ${at1000.p99.toFixed(1)} ms`,
      );
    const half = await runWindow(sys, Math.round(max.rate / 2));
    log(
      `suite: ${half.rate}/s (half) → p50 ${half.p50.toFixed(1)} p95 ${half.p95.toFixed(1)} p99 ${half.p99.toFixed(1)} ms`,
    );
    return { max, capacity, at1000, half, cost, duplicates: tracker.duplicates };
  } finally {
    await conn.close().catch(() => undefined);
    await suite?.stop();
    for (const url of Object.values(dbUrls)) await dropDatabase(url).catch(() => undefined);
  }
}

async function geoipLookups(): Promise<string> {
  try {
    const out = execFileSync(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['apps/ip-checker/scripts/bench-lookups.ts', '--count', quick ? '50000' : '200000'],
      {
        cwd: ROOT,
      },
    ).toString();
    const rate = (label: RegExp) => label.exec(out)?.[1] ?? '?';
    return `${rate(/resolveGeo, cold[^\n]*?([\d,]+) lookups\/s/)} /s uncached, ${rate(/resolveGeo, cached[^\n]*?([\d,]+) lookups\/s/)} /s cached`;
  } catch (err) {
    return `n/a (${(err as Error).message})`;
  }
}

function versions() {
  const safe = (f: () => string) => {
    try {
      return f();
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.version,
    rabbitmq: safe(() => execFileSync('rabbitmqctl', ['-q', 'version']).toString().trim()),
    postgres: safe(() =>
      execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', 'show server_version'])
        .toString()
        .trim(),
    ),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
  };
}

function logUsage(usage: Map<string, { cores: number; peakRssMb: number }>) {
  for (const [name, u] of usage) log(`  ${name}: ${fmt(u.cores, 2)} cores, ${fmt(u.peakRssMb)} MB`);
}

const fmt = (n: number | undefined, d = 0) =>
  n === undefined || Number.isNaN(n)
    ? '–'
    : n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The cost section: CPU per message at one fixed rate, the relay chain's per hop, their ratio. */
function costTable(relay: Cost, suite?: Cost): string[] {
  const perHop = relay.msPerMessage / RELAY_HOPS;
  const floor = SUITE_HOPS * perHop;
  const ms = (n: number | undefined) => (n === undefined ? '–' : fmt(n, 3));
  const noise = (c: Cost) =>
    `${ms(c.spread[0])}–${ms(c.spread[1])} over ${c.windows} windows of ${COST_WINDOW_S} s, ${c.sustained} of ${c.windows} sustained, p99 ${fmt(c.p99, 0)} ms`;
  const names = [...new Set([...relay.perGroup.keys(), ...(suite?.perGroup.keys() ?? [])])].filter(
    (n) => n !== LOAD,
  );
  return [
    `CPU per message at a fixed ${fmt(relay.rate)}/s (the median of ${relay.windows} windows; every process on the box but the load generator, which is shown apart):`,
    '',
    '| ms of CPU | relay chain, per message (3 hops) | suite, per login (4 hops) |',
    '|---|---|---|',
    ...names.map((n) => `| ${n} | ${ms(relay.perGroup.get(n))} | ${ms(suite?.perGroup.get(n))} |`),
    `| **all but the load generator** | **${ms(relay.msPerMessage)}** (${ms(perHop)} per hop) | **${ms(suite?.msPerMessage)}** |`,
    `| load generator + observer (apart) | ${ms(relay.perGroup.get(LOAD))} | ${ms(suite?.perGroup.get(LOAD))} |`,
    `| window to window | ${noise(relay)} | ${suite ? noise(suite) : '–'} |`,
    '',
    suite
      ? `**Cost ratio: ${fmt(suite.msPerMessage / floor, 2)}** — the suite's ${ms(suite.msPerMessage)} ms per login against the broker's floor for four hops, 4 × ${ms(perHop)} = ${ms(floor)} ms.`
      : '',
    '',
  ];
}

async function main() {
  const runId = `${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
  const vhost = `bench_${runId}`;
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  const vhostUrl = `${AMQP_BASE}/${vhost}`;
  const started = Date.now();
  try {
    log(
      `mode: ${quick ? 'quick' : 'full'} (windows of ${WINDOW_S}s), queue type ${QUEUE_TYPE}, prefetch ${PREFETCH}`,
    );
    if (process.argv.includes('--suite-only')) {
      // Development: the suite's windows alone, no baseline, nothing written.
      const suite = await suiteRun(vhostUrl, runId, COST_RATE);
      if (suite.cost) {
        const parts = [...suite.cost.perGroup].map(([n, v]) => `${n} ${fmt(v, 3)}`).join(', ');
        log(
          `suite cost ${fmt(suite.cost.msPerMessage, 3)} ms per login (${parts}); windows ${fmt(suite.cost.spread[0], 3)}–${fmt(suite.cost.spread[1], 3)}`,
        );
      }
      if (suite.max) {
        log(`suite max sustained ${suite.max.rate}/s (p99 ${suite.max.p99.toFixed(1)} ms)`);
        logUsage(suite.max.usage);
      }
      return;
    }
    const base = await baseline(vhostUrl, COST_RATE);
    if (process.argv.includes('--baseline-only')) {
      if (base.max) log(`baseline max sustained ${base.max.rate}/s (p99 ${base.max.p99.toFixed(1)} ms)`);
      process.stdout.write('\n' + costTable(base.cost).join('\n') + '\n');
      return;
    }
    const suite = await suiteRun(vhostUrl, runId, COST_RATE);
    if (costOnly || !suite.max || !base.max) {
      // Development: the cost windows alone, printed, nothing written.
      process.stdout.write('\n' + costTable(base.cost, suite.cost).join('\n') + '\n');
      return;
    }
    const lookups = await geoipLookups();
    const v = versions();
    const ratio = suite.max.rate / base.max.rate;
    const usageRows = [...suite.max.usage].map(
      ([name, u]) => `| ${name} | ${fmt(u.cores, 2)} | ${fmt(u.peakRssMb)} |`,
    );
    const baseUsage = [...base.max.usage].map(([name, u]) => `${name} ${fmt(u.cores, 2)}`).join(', ');
    const md = [
      `# Benchmark${quick ? ' (quick mode)' : ''}`,
      '',
      `Run ${new Date().toISOString()} with \`pnpm bench${quick ? ' --quick' : ''}\` in ${Math.round((Date.now() - started) / 1000)} s.`,
      `Machine: ${v.cores} cores (${v.cpu}), ${v.memGiB} GiB; Node ${v.node}; RabbitMQ ${v.rabbitmq}; PostgreSQL ${v.postgres}.`,
      `Everything on one box: broker, database, the three services, load generator and observer. Queue type ${QUEUE_TYPE}, prefetch ${PREFETCH}, persistent messages, publisher confirms and manual acks on every hop.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| baseline: raw relay chain (publisher → relay → relay → consumer), max sustained | **${fmt(base.max.rate)} msg/s** (flood estimate ${fmt(base.capacity)}/s) |`,
      `| suite: login.succeeded → login.assessed, max sustained | **${fmt(suite.max.rate)} logins/s** (flood estimate ${fmt(suite.capacity)}/s) |`,
      `| ratio suite / baseline | **${fmt(ratio, 2)}** |`,
      `| latency at 1,000 logins/s (p50 / p95 / p99) | ${suite.at1000 ? `${fmt(suite.at1000.p50, 1)} / ${fmt(suite.at1000.p95, 1)} / **${fmt(suite.at1000.p99, 1)} ms**` : 'not reached'} |`,
      `| latency at half the max, ${fmt(suite.half.rate)}/s (p50 / p95 / p99) | ${fmt(suite.half.p50, 1)} / ${fmt(suite.half.p95, 1)} / **${fmt(suite.half.p99, 1)} ms** |`,
      `| latency at the max (p50 / p99) | ${fmt(suite.max.p50, 1)} / ${fmt(suite.max.p99, 1)} ms |`,
      `| GeoIP lookups, ip-checker alone | ${lookups} |`,
      `| duplicate login.assessed observed | ${suite.duplicates} |`,
      '',
      `CPU (cores) and peak RSS during the suite's max-rate window:`,
      '',
      '| process | CPU (cores) | peak RSS (MB) |',
      '|---|---|---|',
      ...usageRows,
      '',
      `Baseline CPU at its max: ${baseUsage}.`,
      '',
      '## Cost per login',
      '',
      ...costTable(base.cost, suite.cost),
      readFileSync(path.join(__dirname, 'findings.md'), 'utf8').trim(),
      '',
    ].join('\n');
    process.stdout.write('\n' + md + '\n');
    mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    writeFileSync(path.join(ROOT, 'docs/benchmarks.md'), md);
    log('written to docs/benchmarks.md');
  } finally {
    await rabbitmqctl('delete_vhost', vhost).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);

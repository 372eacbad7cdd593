/**
 * Shows that test/chaos/cluster.ts does what the cluster scenario needs:
 *   node --import tsx test/chaos/cluster.check.ts
 * starts the three nodes, puts a quorum queue on them with 100 persistent messages, kills the
 * queue's leader with kill -9, consumes every message from a surviving node, restarts the killed
 * node, and stops, then checks nothing is left. CLUSTER_CHECK_FAIL makes it fail mid-way, to show
 * the clean-up anyway: `throw` (the caller's finally runs stop()), `exit` (process.exit: only the
 * exit hook runs), `sigint` (the signal hook), `sigkill` (no hook at all: the watchdog cleans up
 * after this process is gone), `hang` (waits to be killed from outside, watchdog included: the
 * next start removes what is left).
 */
import amqplib from 'amqplib';
import { ClusterNode, epmdNames, leftovers, startCluster } from './cluster';

const COUNT = 100;
const QUEUE = 'work.quorum';
/** A second quorum queue led by the same node, for timing how long a publish waits for a new leader. */
const PROBE = 'probe.quorum';
const FAIL = process.env.CLUSTER_CHECK_FAIL;
const timings: Record<string, number> = {};

const log = (...args: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function check(cond: boolean, what: string) {
  if (!cond) throw new Error(`check failed: ${what}`);
  log(`ok: ${what}`);
}

async function publish(url: string) {
  const conn = await amqplib.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    for (const q of [QUEUE, PROBE]) {
      await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    }
    for (let i = 0; i < COUNT; i++) {
      ch.sendToQueue(QUEUE, Buffer.from(JSON.stringify({ n: i })), { persistent: true, messageId: `m${i}` });
    }
    await ch.waitForConfirms();
  } finally {
    await conn.close();
  }
}

/** Publishes to PROBE via `url` until the broker confirms one: the time publishers are held up. */
async function firstConfirm(url: string, since: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    let conn: amqplib.ChannelModel | undefined;
    try {
      conn = await amqplib.connect(url);
      conn.on('error', () => undefined);
      const ch = await conn.createConfirmChannel();
      ch.on('error', () => undefined);
      ch.sendToQueue(PROBE, Buffer.from('probe'), { persistent: true });
      await Promise.race([
        ch.waitForConfirms(),
        sleep(5000).then(() => Promise.reject(new Error('no confirm within 5 s'))),
      ]);
      await conn.close();
      return Date.now() - since;
    } catch (err) {
      last = (err as Error).message;
      await conn?.close().catch(() => undefined);
      await sleep(50);
    }
  }
  throw new Error(`no publish to ${PROBE} confirmed within ${timeoutMs} ms (${last})`);
}

/** Consumes until COUNT distinct messages arrived, reconnecting while the queue has no leader. */
async function consumeAll(url: string, since: number, timeoutMs = 60_000): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  while (Date.now() < deadline) {
    attempts++;
    let conn: amqplib.ChannelModel | undefined;
    try {
      conn = await amqplib.connect(url);
      conn.on('error', () => undefined);
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      await ch.prefetch(20);
      const closed = new Promise<void>((r) => ch.once('close', () => r()));
      await ch.consume(QUEUE, (m) => {
        if (!m) return;
        if (timings.firstDeliveryAfterKill === undefined) timings.firstDeliveryAfterKill = Date.now() - since;
        const id = String(m.properties.messageId);
        seen.set(id, (seen.get(id) ?? 0) + 1);
        ch.ack(m);
      });
      while (seen.size < COUNT && Date.now() < deadline) {
        const ended = await Promise.race([closed.then(() => true), sleep(100).then(() => false)]);
        if (ended) break;
      }
      if (seen.size >= COUNT) {
        log(`consumed ${seen.size} distinct messages from ${url} (attempt ${attempts})`);
        await conn.close();
        return seen;
      }
    } catch (err) {
      if (attempts === 1 || attempts % 10 === 0)
        log(`consume attempt ${attempts}: ${(err as Error).message}`);
    }
    await conn?.close().catch(() => undefined);
    await sleep(200);
  }
  throw new Error(`consumed ${seen.size} of ${COUNT} messages within ${timeoutMs} ms`);
}

async function main() {
  const before = leftovers();
  log(
    `before: ${before.vms.length} cluster VMs, ${before.dirs.length} cluster directories (removed at start)`,
  );

  let t = Date.now();
  const c = await startCluster();
  timings.start = Date.now() - t;
  log(`cluster started in ${timings.start} ms, directory ${c.dir}`);
  try {
    const status = JSON.parse(await c.ctl(['cluster_status', '--formatter', 'json']));
    log('rabbitmqctl cluster_status: disk nodes', status.disk_nodes, 'running nodes', status.running_nodes);
    check(status.running_nodes.length === 3, 'three nodes run in one cluster');

    const vh = await c.createVhost('cluster_check');
    log(`vhost ${vh.name}; AMQP_URL=${vh.url}`);

    const [entry] = c.nodes as [ClusterNode, ...ClusterNode[]];
    await publish(entry.url(vh.name));
    let info = await c.queueInfo(vh.name, QUEUE);
    log(
      `${QUEUE}: leader ${info.leader}, members ${info.members.join(' ')}, online ${info.online.join(' ')}`,
    );
    check(
      info.members.length === 3 && c.nodes.every((n) => info.members.includes(n.name)),
      'the quorum queue has a replica on each node',
    );
    log(`published ${COUNT} persistent messages with confirms via ${entry.name}`);

    if (FAIL === 'throw') throw new Error('CLUSTER_CHECK_FAIL=throw: failing mid-way on purpose');
    if (FAIL === 'exit') {
      log('CLUSTER_CHECK_FAIL=exit: process.exit(1) mid-way, no finally runs');
      process.exit(1);
    }
    if (FAIL === 'sigint') {
      log('CLUSTER_CHECK_FAIL=sigint: SIGINT to this process mid-way (as Ctrl-C would)');
      process.kill(process.pid, 'SIGINT');
      await sleep(30_000);
    }
    if (FAIL === 'hang') {
      log(`CLUSTER_CHECK_FAIL=hang: waiting (pid ${process.pid}) to be killed from outside`);
      await sleep(600_000);
    }
    if (FAIL === 'sigkill') {
      log('CLUSTER_CHECK_FAIL=sigkill: kill -9 of this process mid-way, no hook runs');
      process.kill(process.pid, 'SIGKILL');
    }

    const leader = await c.leaderOf(vh.name, QUEUE);
    log(`${PROBE}: leader ${(await c.leaderOf(vh.name, PROBE)).name}`);
    const survivor = c.nodes.find((n) => n !== leader)!;
    t = Date.now();
    await c.kill(leader);
    timings.kill = Date.now() - t;
    log(`kill -9 of ${leader.name}'s Erlang VM; gone after ${timings.kill} ms`);
    const killedAt = Date.now();
    const confirmed = firstConfirm(survivor.url(vh.name), killedAt);
    const consumed = consumeAll(survivor.url(vh.name), killedAt);
    const newLeader = await c.awaitNewLeader(vh.name, QUEUE, leader);
    timings.newLeader = Date.now() - killedAt;
    info = await c.queueInfo(vh.name, QUEUE);
    log(
      `new leader ${newLeader.name} ${timings.newLeader} ms after the kill; online ${info.online.join(' ')}`,
    );
    const seen = await consumed;
    timings.allConsumed = Date.now() - killedAt;
    log(`first delivery from ${survivor.name} ${timings.firstDeliveryAfterKill} ms after the kill`);
    timings.firstConfirmAfterKill = await confirmed;
    log(`first publish confirmed via ${survivor.name} ${timings.firstConfirmAfterKill} ms after the kill`);
    const missing = Array.from({ length: COUNT }, (_, i) => `m${i}`).filter((id) => !seen.has(id));
    const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    check(
      missing.length === 0,
      `all ${COUNT} messages consumed after the leader died (missing: ${missing.length})`,
    );
    log(`delivered more than once: ${twice.length}`);

    t = Date.now();
    await c.restart(leader);
    timings.restart = Date.now() - t;
    log(`${leader.name} restarted and running in the cluster after ${timings.restart} ms`);
    log('running nodes', await c.runningNodes());
    const deadline = Date.now() + 30_000;
    while ((info = await c.queueInfo(vh.name, QUEUE)).online.length < 3 && Date.now() < deadline)
      await sleep(200);
    log(
      `${QUEUE}: leader ${info.leader}, members ${info.members.join(' ')}, online ${info.online.join(' ')}`,
    );
    check(
      info.members.length === 3 && info.online.length === 3,
      'the restarted node is a member again, online',
    );
    const [row] = (await c.listQueues(vh.name)).filter((q) => q.name === QUEUE);
    check(row?.messages === 0, `${QUEUE} is empty after consuming (${row?.messages} messages)`);
    await vh.delete();
  } finally {
    t = Date.now();
    await c.stop();
    timings.stop = Date.now() - t;
    log(`cluster stopped in ${timings.stop} ms`);
    await report().catch((err) => {
      console.error(err);
      process.exitCode = 1;
    });
  }
}

async function report() {
  const left = leftovers();
  const names = (await epmdNames()).map((n) => n.name);
  log(`after: cluster VMs ${JSON.stringify(left.vms)}, directories ${JSON.stringify(left.dirs)}`);
  log(`epmd names: ${names.join(', ')} (the machine's own node stays)`);
  check(left.vms.length === 0 && left.dirs.length === 0, 'no cluster VM and no directory left');
  check(!names.some((n) => /^rt\d$/.test(n)), 'no rt* node registered with epmd');
}

main().then(
  () => log('timings (ms):', JSON.stringify(timings)),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);

/**
 * An event-driven barrier for the tests that assert "nothing else happens": no second kick, no
 * second login.recorded, no stray email. A fixed sleep only shows that nothing came *soon*; the
 * barrier waits until everything published before it has been through the queue's handlers and
 * their follow-ups have reached the test.
 *
 * `barrier.afterQueue({ vhost, queue, sentinel })`, with this runtime's consumer
 * (packages/shared/src/messaging/consumer) on `queue`:
 *
 * 1. **A first sentinel** goes through the same exchange and routing key as the messages under
 *    test (for another account, so it cannot disturb the assertion), and its downstream effect is
 *    awaited (e.g. its `login.assessed` in the test's MessageCollector). The queue hands out
 *    messages in order, so every message ahead of it has been delivered by then: to the process
 *    that handled the sentinel, on the same channel and so before the sentinel, or to another
 *    consumer earlier. Order proves no more than that: prefetch gives a consumer many messages at
 *    once, batches of up to `batchSize` run `concurrency` at a time, a retried message comes back
 *    behind later ones, so the sentinel's effect can come before an earlier message's (the
 *    barrier's own test shows it).
 * 2. **Drained.** Then it waits until, twice in a row, the queue's retry delay queues
 *    (`<queue>.retry.<n>ms`) are empty, the queue has nothing ready, and the consumers hold
 *    nothing in flight (`messages_in_flight`, which counts a delivery from its arrival until it
 *    is settled). A delivery is settled only after its handler returned (single mode) or the
 *    `handleBatch` call it was part of returned (batch mode), and handlers publish their
 *    follow-ups with confirms and commit their rows before they return; a transient failure is
 *    confirmed into a retry queue before the delivery leaves the flight, a permanent one into the
 *    dead-letter queue, from which nothing comes back. So every message that was ahead of the
 *    sentinel, or waiting to be retried, has been handled or dead-lettered for good.
 *    The broker's own unacknowledged count cannot be used: for quorum queues (the suite's
 *    default) `rabbitmqctl list_queues` reports counts the queue refreshes on its tick (a queue
 *    read 0 ready 50 ms after a publish, and 1 seconds later), the management API's are refreshed
 *    every `collect_statistics_interval` (5 s); a passive `checkQueue` is live but counts only
 *    ready messages. (rabbitmqctl is used once per queue, for the names of its retry queues,
 *    which are not counts.) Two hops are not seen by one read:
 *    the broker moving a message from a delay queue back to the work queue, and a delivery on its
 *    way through the socket; both take far less than a read, and a message waits in a delay queue
 *    for the whole delay, far longer than two reads, so two clean reads in a row cover them.
 * 3. **`before`**, when given, waits for work the handlers left to others (account-guard's
 *    outbox: no pending action).
 * 4. **A second sentinel**, sent only now, the same way. A MessageCollector reads one queue in
 *    order: every follow-up of the drained messages was routed to it before this sentinel was
 *    even sent, so when the sentinel's effect is there, so are they.
 *
 * What it does not prove: anything about messages published after the barrier started; work
 * handed off elsewhere (an outbox, a timer) unless `before` waits for it; a redelivery the broker
 * has not made yet (a channel that closes later with unacked messages); and, with several
 * consumer processes, a delivery to one of them that has not arrived when the other handled the
 * first sentinel (`inFlight` must sum all of them; the second read narrows this to a socket hop).
 * Without `queue` (the test's collector is itself the consumer: a publish straight to an exchange
 * it is bound to) only the sentinel is used: it proves what was published before it on the same
 * connection and channel, in order.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import { retryQueueName } from '../messaging/topology';
import { type TestVhost, waitUntil } from './index';

const exec = promisify(execFile);

type Vhost = Pick<TestVhost, 'name' | 'url'>;

/** A message whose downstream effect the test can see; made fresh for each use. */
export interface Sentinel {
  /** Publishes it through the same exchange and routing key as the messages under test. */
  send(): Promise<unknown>;
  /** True once its downstream effect has been observed where the test observes. */
  seen(): boolean | Promise<boolean>;
  /** Names it in a timeout. */
  what?: string;
}

export interface WorkQueueProbe {
  name: string;
  /** Deliveries taken and not yet settled, summed over every process consuming the queue. */
  inFlight(): Promise<number>;
}

/** `messages_in_flight` of `queue`, summed over the /metrics of the services that consume it. */
export function inFlightAt(services: { adminPort: number }[], queue: string): () => Promise<number> {
  const line = new RegExp(
    `^messages_in_flight\\{[^}]*queue="${queue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^}]*\\} (\\S+)$`,
    'm',
  );
  return async () => {
    let sum = 0;
    let found = false;
    for (const s of services) {
      const res = await fetch(`http://127.0.0.1:${s.adminPort}/metrics`);
      if (!res.ok) throw new Error(`barrier: /metrics on port ${s.adminPort} answered ${res.status}`);
      const value = line.exec(await res.text())?.[1];
      // A process shows the gauge once it took a delivery of the queue; the barrier reads it
      // after its first sentinel was handled. Absent everywhere, it would read as nothing in
      // flight, and the barrier would always pass: a wrong queue name is an error.
      if (value !== undefined) found = true;
      sum += Number(value ?? 0);
    }
    if (!found)
      throw new Error(
        `barrier: no messages_in_flight for ${queue} on ports ${services.map((s) => s.adminPort).join(', ')}`,
      );
    return sum;
  };
}

/** Queue names do not change once declared: listed once per vhost and queue. */
const retryQueuesCache = new Map<string, Promise<string[]>>();

/** The retry delay queues of `queue` (`<queue>.retry.<n>ms`, see topology.ts), from rabbitmqctl. */
function retryQueuesOf(vhost: Vhost, queue: string): Promise<string[]> {
  const key = `${vhost.name}\n${queue}`;
  let found = retryQueuesCache.get(key);
  if (!found) {
    found = exec('rabbitmqctl', ['-q', 'list_queues', '-p', vhost.name, 'name', '--no-table-headers']).then(
      ({ stdout }) => {
        const names = stdout.split('\n').map((n) => n.trim());
        if (!names.includes(queue))
          throw new Error(`barrier: queue "${queue}" does not exist in vhost "${vhost.name}"`);
        return names.filter((name) => {
          const delay = /\.retry\.(\d+)ms$/.exec(name)?.[1];
          return delay !== undefined && retryQueueName(queue, Number(delay)) === name;
        });
      },
    );
    found.catch(() => retryQueuesCache.delete(key));
    retryQueuesCache.set(key, found);
  }
  return found;
}

/**
 * Resolves once, twice in a row, the retry queues of `queue` are empty, it has nothing ready and
 * its consumers nothing in flight (step 2 of the module comment); fails after the timeout naming
 * what was left.
 */
export async function drained(vhost: Vhost, queue: WorkQueueProbe, timeoutMs = 20000): Promise<void> {
  const retries = await retryQueuesOf(vhost, queue.name);
  const conn = await amqplib.connect(vhost.url, { noDelay: true });
  conn.on('error', () => undefined);
  let left = 'not read yet';
  let clean = 0;
  try {
    const ch = await conn.createChannel();
    // In the order a message travels: delay queue, work queue, consumer.
    const busy = async (): Promise<string | undefined> => {
      for (const retry of retries) {
        const { messageCount } = await ch.checkQueue(retry);
        if (messageCount > 0) return `${retry}: ${messageCount} waiting to be retried`;
      }
      const { messageCount } = await ch.checkQueue(queue.name);
      if (messageCount > 0) return `${queue.name}: ${messageCount} ready`;
      const inFlight = await queue.inFlight();
      if (inFlight > 0) return `${queue.name}: ${inFlight} in flight`;
      return undefined;
    };
    await waitUntil(
      async () => {
        const found = await busy();
        left = found ?? 'clean once';
        clean = found ? 0 : clean + 1;
        return clean >= 2;
      },
      timeoutMs,
      `${queue.name} to be drained`,
    ).catch((err: Error) => {
      throw new Error(`barrier: ${err.message} (${left})`);
    });
  } finally {
    await conn.close().catch(() => undefined);
  }
}

async function see(s: Sentinel, timeoutMs: number): Promise<void> {
  await s.send();
  await waitUntil(() => s.seen(), timeoutMs, `the sentinel${s.what ? ` (${s.what})` : ''} to be seen`);
}

export interface AfterQueueOptions {
  /** The vhost the queue is on (the test file's own). */
  vhost: Vhost;
  /**
   * The work queue whose consumers must have handled everything published before the barrier.
   * Leave it out when the test's collector is itself the consumer.
   */
  queue?: WorkQueueProbe;
  /** Runs once the queue is drained, before the last sentinel (account-guard: the outbox). */
  before?: () => Promise<void>;
  /** Makes a new sentinel, for another account than the test's; called once or twice. */
  sentinel: () => Sentinel;
  timeoutMs?: number;
}

/** The barrier described in the module comment. */
async function afterQueue(o: AfterQueueOptions): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 20000;
  if (o.queue) {
    await see(o.sentinel(), timeoutMs);
    await drained(o.vhost, o.queue, timeoutMs);
  }
  await o.before?.();
  await see(o.sentinel(), timeoutMs);
}

export const barrier = { afterQueue, drained };

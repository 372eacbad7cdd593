import { randomUUID } from 'node:crypto';
import type amqplib from 'amqplib';
import type { GetMessage } from 'amqplib';
import { ATTEMPT_HEADER, ERROR_HEADER, REASON_HEADER } from './consumer';
import { DEAD_LETTER_SUFFIX, retryExchangeName } from './topology';
import { originalUserHeader } from './trust';
// `url` here is an AMQP_URL: one broker, or the nodes of a cluster, tried in order until one accepts.
import { type BrokerUrls, brokerUserOfUrls, connectFirstBroker } from './urls';

const REPLAY_RUN_HEADER = 'x-replay-run';

export interface DeadLetter {
  messageId?: string;
  type?: string;
  correlationId?: string;
  reason: string;
  error: string;
  attempts?: number;
  failedAt?: string;
  /** The body as text, cut to `bodyLimit` characters. */
  body: string;
}

/** Accepts `ip-checker.login.succeeded` or `ip-checker.login.succeeded.dead-letter`. */
export function deadLetterQueueOf(queue: string): { workQueue: string; deadLetterQueue: string } {
  const workQueue = queue.endsWith(DEAD_LETTER_SUFFIX) ? queue.slice(0, -DEAD_LETTER_SUFFIX.length) : queue;
  return { workQueue, deadLetterQueue: workQueue + DEAD_LETTER_SUFFIX };
}

/** The AMQP message id, else the CloudEvent id in the body (a producer may have left message_id out). */
function idOf(m: GetMessage): string | undefined {
  if (m.properties.messageId) return String(m.properties.messageId);
  try {
    const id = (JSON.parse(m.content.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function describe(m: GetMessage, bodyLimit: number): DeadLetter {
  const h = m.properties.headers ?? {};
  // A message dead-lettered by the broker itself (delivery limit) has x-death instead of our headers.
  const death = Array.isArray(h['x-death']) ? (h['x-death'][0] as { reason?: string }) : undefined;
  return {
    messageId: idOf(m),
    type: m.properties.type,
    correlationId: m.properties.correlationId,
    reason: String(h[REASON_HEADER] ?? (death ? `broker:${death.reason}` : 'unknown')),
    error: String(h[ERROR_HEADER] ?? ''),
    attempts: h[ATTEMPT_HEADER] !== undefined ? Number(h[ATTEMPT_HEADER]) : undefined,
    failedAt: h['x-failed-at'] !== undefined ? String(h['x-failed-at']) : undefined,
    body: m.content.toString('utf8').slice(0, bodyLimit),
  };
}

async function withChannel<T>(url: BrokerUrls, fn: (ch: amqplib.ConfirmChannel) => Promise<T>): Promise<T> {
  const conn = await connectFirstBroker(url, { noDelay: true });
  // The failing operation's promise carries the error; without listeners it would also be thrown.
  conn.on('error', () => undefined);
  try {
    const ch = await conn.createConfirmChannel();
    ch.on('error', () => undefined);
    const result = await fn(ch);
    // Close the channel first: amqplib may write the connection's close ahead of this channel's
    // pending acks, and the broker would then return the acked messages to the queue.
    await ch.close();
    return result;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/**
 * Hands back every message this channel holds unacked and waits (up to `timeoutMs`) until the
 * queue counts at least `expected` ready messages again. A quorum queue applies the return through
 * its log after the channel has moved on, so without the wait the next reader (a replay right
 * after a listing) can find the queue briefly empty.
 */
async function returnAll(ch: amqplib.ConfirmChannel, queue: string, expected: number, timeoutMs = 5000) {
  ch.nackAll(true);
  const deadline = Date.now() + timeoutMs;
  while ((await ch.checkQueue(queue)).messageCount < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Reads up to `limit` dead letters without removing them: the messages are fetched unacked and
 * handed back before this returns.
 */
export async function listDeadLetters(
  url: BrokerUrls,
  queue: string,
  limit = 100,
  bodyLimit = 2000,
): Promise<DeadLetter[]> {
  const { deadLetterQueue } = deadLetterQueueOf(queue);
  return withChannel(url, async (ch) => {
    const before = (await ch.checkQueue(deadLetterQueue)).messageCount;
    const out: DeadLetter[] = [];
    while (out.length < limit) {
      const m = await ch.get(deadLetterQueue, { noAck: false });
      if (!m) break;
      out.push(describe(m, bodyLimit));
    }
    await returnAll(ch, deadLetterQueue, before);
    return out;
  });
}

/** `account-guard.login.recorded` → `account-guard` (SPEC §3 names queues `<service>.<routing-key>`). */
export const serviceOfQueue = (workQueue: string) => workQueue.split('.')[0]!;

/**
 * Puts dead letters back on their work queue (all, or those whose message id is in `ids`) with a
 * fresh attempt count; each is removed from the dead-letter queue only after the broker
 * confirmed the copy. Returns how many were replayed.
 *
 * The copy goes through the service's retry exchange with the connection's `user_id`, the
 * original publisher kept in a header: run it as the service's own broker user, or a consumer
 * checking publishers refuses the replayed messages (only its own user's header is believed).
 */
export async function replayDeadLetters(
  url: BrokerUrls,
  queue: string,
  opts: { ids?: string[]; limit?: number; service?: string } = {},
): Promise<number> {
  const { workQueue, deadLetterQueue } = deadLetterQueueOf(queue);
  const limit = opts.limit ?? Number.MAX_SAFE_INTEGER;
  const exchange = retryExchangeName(opts.service ?? serviceOfQueue(workQueue));
  const self = brokerUserOfUrls(url);
  return withChannel(url, async (ch) => {
    await ch.checkQueue(deadLetterQueue);
    await ch.checkQueue(workQueue);
    await ch.checkExchange(exchange);
    // Unroutable (the work queue not bound to the exchange yet: an older version's topology)
    // would be confirmed and lost; mandatory makes the broker return it first.
    let returned = false;
    ch.on('return', () => (returned = true));
    let replayed = 0;
    let kept = 0;
    // Read until the queue is empty rather than up to a count taken first: a count can be short
    // while another reader's borrowed messages are still on their way back. A copy this run put
    // back that failed again already (its header names this run) is left for the next run.
    const run = randomUUID();
    while (replayed < limit) {
      const m = await ch.get(deadLetterQueue, { noAck: false });
      if (!m) break;
      if (
        (opts.ids && !opts.ids.includes(idOf(m) ?? '')) ||
        m.properties.headers?.[REPLAY_RUN_HEADER] === run
      ) {
        kept++; // handed back below
        continue;
      }
      const {
        [REASON_HEADER]: _r,
        [ERROR_HEADER]: _e,
        [ATTEMPT_HEADER]: _a,
        'x-death': _d,
        ...headers
      } = m.properties.headers ?? {};
      ch.publish(exchange, workQueue, m.content, {
        ...m.properties,
        headers: {
          ...headers,
          ...originalUserHeader(m.properties, self),
          'x-replayed-at': new Date().toISOString(),
          [REPLAY_RUN_HEADER]: run,
        },
        userId: self,
        persistent: true,
        mandatory: true,
      });
      await ch.waitForConfirms();
      if (returned) {
        throw new Error(
          `${workQueue} is not bound to ${exchange}; start the service's current version first (nothing was removed from ${deadLetterQueue})`,
        );
      }
      ch.ack(m);
      replayed++;
    }
    await returnAll(ch, deadLetterQueue, kept);
    return replayed;
  });
}

export async function purgeDeadLetters(url: BrokerUrls, queue: string): Promise<number> {
  const { deadLetterQueue } = deadLetterQueueOf(queue);
  return withChannel(url, async (ch) => (await ch.purgeQueue(deadLetterQueue)).messageCount);
}

export async function countDeadLetters(url: BrokerUrls, queue: string): Promise<number> {
  const { deadLetterQueue } = deadLetterQueueOf(queue);
  return withChannel(url, async (ch) => (await ch.checkQueue(deadLetterQueue)).messageCount);
}

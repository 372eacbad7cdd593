import type { Channel, Options } from 'amqplib';
import { COMMANDS_EXCHANGE, EVENTS_EXCHANGE } from '../contracts';

export type QueueType = 'quorum' | 'classic';

export interface Binding {
  exchange: string;
  routingKey: string;
}

/** A service's work queue; its retry and dead-letter queues are derived from its name. */
export interface WorkQueue {
  name: string;
  bindings: Binding[];
}

export interface TopologyOptions {
  queueType: QueueType;
  retryDelaysMs: number[];
  deliveryLimit: number;
}

export const EXCHANGES = [
  { name: EVENTS_EXCHANGE, type: 'topic' },
  { name: COMMANDS_EXCHANGE, type: 'topic' },
] as const;

/** `<service>.<routing-key>` bound to the routing key (SPEC §3). */
export function serviceQueue(service: string, routingKey: string, exchange = EVENTS_EXCHANGE): WorkQueue {
  return { name: `${service}.${routingKey}`, bindings: [{ exchange, routingKey }] };
}

/** One delay queue per delay value: changing the delays adds queues instead of clashing with old ones. */
export const retryQueueName = (queue: string, delayMs: number) => `${queue}.retry.${delayMs}ms`;
export const deadLetterQueueName = (queue: string) => `${queue}.dead-letter`;
export const DEAD_LETTER_SUFFIX = '.dead-letter';

/** The direct exchange a service's retry, delay and dead-letter hops go through (its own, not the default). */
export const retryExchangeName = (service: string) => `${service}.retry`;

/** A queue the broker holds with other arguments than this version declares. */
export interface QueueMismatch {
  queue: string;
  /** What differs, in the broker's words (the first inequivalent argument). */
  differs: string;
}

/**
 * Declares everything from one description; re-applied on every (re)connect, so it must stay
 * idempotent. Work queue → (on transient failure, by the consumer, through `<service>.retry`)
 * retry queue with a TTL → dead-lettered by the broker through `<service>.retry` back to the
 * work queue. Final failures are published by the consumer through `<service>.retry` to the
 * dead-letter queue with the reason in headers; a message that crashes consumers over and over
 * is dead-lettered there by the broker itself (quorum `x-delivery-limit`), through the same
 * exchange. No hop uses the default exchange, so no user needs to write to it.
 */
export interface QueueDeclarer {
  /** A short-lived channel: a refused declaration closes only it. */
  open(): Promise<Channel>;
  /** A queue exists with other arguments; it is used as it is. */
  mismatch(found: QueueMismatch, wanted: Options.AssertQueue['arguments']): void;
}

/** `PRECONDITION_FAILED - inequivalent arg 'x-…' for queue '…' in vhost '…': received … but current is …` */
function differenceOf(err: Error): string {
  const m = /inequivalent arg '([^']+)'[^:]*: (.*?)"?$/.exec(err.message);
  return m ? `argument ${m[1]}: ${m[2]}` : err.message;
}

/**
 * Declares a queue on a channel of its own. A queue that already exists with other arguments
 * (declared by an older version, or with other QUEUE_TYPE/DELIVERY_LIMIT settings) is refused by
 * the broker with 406; it is then reported (readiness fails naming it) but still used as it is,
 * so messages keep flowing — moving to new arguments means draining and deleting the old queue.
 * Such a queue is bound like a new one: a copy published through the service's exchange to a
 * queue without a binding would be confirmed and dropped.
 */
async function assertQueueChecked(
  d: QueueDeclarer,
  name: string,
  options: Options.AssertQueue,
): Promise<void> {
  const ch = await d.open();
  ch.on('error', () => undefined);
  try {
    await ch.assertQueue(name, options);
    await ch.close();
  } catch (err) {
    if ((err as { code?: number }).code !== 406) throw err;
    d.mismatch({ queue: name, differs: differenceOf(err as Error) }, options.arguments);
  }
}

export async function declareTopology(
  ch: Channel,
  service: string,
  queues: WorkQueue[],
  opts: TopologyOptions,
  declarer?: QueueDeclarer,
): Promise<void> {
  const assertQueue = (name: string, options: Options.AssertQueue) =>
    declarer
      ? assertQueueChecked(declarer, name, options)
      : ch.assertQueue(name, options).then(() => undefined);
  const typeArg = { 'x-queue-type': opts.queueType };
  // Quorum queues dead-letter at-least-once (RabbitMQ ≥ 3.10): a message leaving a retry queue
  // (TTL) or the work queue (delivery limit) stays there until the target queue confirmed it, so
  // a broker restart in between cannot drop it. The strategy requires reject-publish overflow.
  const safeDeadLettering =
    opts.queueType === 'quorum'
      ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }
      : {};
  for (const ex of EXCHANGES) await ch.assertExchange(ex.name, ex.type, { durable: true });
  // A publisher-only connection (no queues) has no hops to route.
  if (queues.length === 0) return;
  const retryExchange = retryExchangeName(service);
  await ch.assertExchange(retryExchange, 'direct', { durable: true });
  // Each queue is reachable through the service's exchange by its own name, and only there.
  const bindByName = (queue: string) => ch.bindQueue(queue, retryExchange, queue);
  for (const q of queues) {
    const dlq = deadLetterQueueName(q.name);
    await assertQueue(dlq, { durable: true, arguments: typeArg });
    await bindByName(dlq);
    await assertQueue(q.name, {
      durable: true,
      arguments: {
        ...typeArg,
        'x-dead-letter-exchange': retryExchange,
        'x-dead-letter-routing-key': dlq,
        ...safeDeadLettering,
        ...(opts.queueType === 'quorum' ? { 'x-delivery-limit': opts.deliveryLimit } : {}),
      },
    });
    await bindByName(q.name);
    for (const delay of opts.retryDelaysMs) {
      const retry = retryQueueName(q.name, delay);
      await assertQueue(retry, {
        durable: true,
        arguments: {
          ...typeArg,
          'x-message-ttl': delay,
          'x-dead-letter-exchange': retryExchange,
          'x-dead-letter-routing-key': q.name,
          ...safeDeadLettering,
        },
      });
      await bindByName(retry);
    }
    for (const b of q.bindings) await ch.bindQueue(q.name, b.exchange, b.routingKey);
  }
}

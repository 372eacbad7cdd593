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

/**
 * Declares everything from one description; re-applied on every (re)connect, so it must stay
 * idempotent. Work queue → (on transient failure, by the consumer) retry queue with a TTL →
 * dead-lettered by the broker back to the work queue. Final failures are published by the
 * consumer to the dead-letter queue with the reason in headers; a message that crashes consumers
 * over and over is dead-lettered there by the broker itself (quorum `x-delivery-limit`).
 */
export interface QueueDeclarer {
  /** A short-lived channel: a refused declaration closes only it. */
  open(): Promise<Channel>;
  warn(details: Record<string, unknown>, message: string): void;
}

/**
 * Declares a queue on a channel of its own. A queue that already exists with other arguments
 * (declared by an older version, or with other QUEUE_TYPE/DELIVERY_LIMIT settings) is refused by
 * the broker with 406; it is then used as it is, with a warning, rather than keeping the service
 * down — moving to new arguments means draining and deleting the old queue.
 */
async function assertQueueTolerant(
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
    d.warn(
      { queue: name, wanted: options.arguments, broker: (err as Error).message },
      'queue exists with other arguments; using it as it is (drain and delete it to apply the new ones)',
    );
  }
}

export async function declareTopology(
  ch: Channel,
  queues: WorkQueue[],
  opts: TopologyOptions,
  declarer?: QueueDeclarer,
): Promise<void> {
  const assertQueue = (name: string, options: Options.AssertQueue) =>
    declarer
      ? assertQueueTolerant(declarer, name, options)
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
  for (const q of queues) {
    const dlq = deadLetterQueueName(q.name);
    await assertQueue(dlq, { durable: true, arguments: typeArg });
    await assertQueue(q.name, {
      durable: true,
      arguments: {
        ...typeArg,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': dlq,
        ...safeDeadLettering,
        ...(opts.queueType === 'quorum' ? { 'x-delivery-limit': opts.deliveryLimit } : {}),
      },
    });
    for (const delay of opts.retryDelaysMs) {
      await assertQueue(retryQueueName(q.name, delay), {
        durable: true,
        arguments: {
          ...typeArg,
          'x-message-ttl': delay,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': q.name,
          ...safeDeadLettering,
        },
      });
    }
    for (const b of q.bindings) await ch.bindQueue(q.name, b.exchange, b.routingKey);
  }
}

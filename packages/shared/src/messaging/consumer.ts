import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConsumeMessage, ConfirmChannel, Channel } from 'amqplib';
import pLimit from 'p-limit';
import { z } from 'zod';
import { EventOf, MessageType, cloudEventEnvelope, dataSchemas, loginIdOf } from '../contracts';
import { Logger, withLogContext } from '../logger';
import { AckWindow } from './acks';
import type { Broker } from './broker';
import { PermanentError } from './errors';
import { WorkQueue, declareTopology, deadLetterQueueName, retryQueueName } from './topology';

export const ATTEMPT_HEADER = 'x-attempt';
export const REASON_HEADER = 'x-dead-letter-reason';
export const ERROR_HEADER = 'x-error';
const REQUEUE_PAUSE_MS = 2000;
/** Longest an ack waits behind an earlier delivery still being handled (see AckWindow). */
const ACK_HOLD_MS = 100;

export interface HandlerContext {
  /** 1 for the first delivery through the work queue, 2 after the first retry, … */
  attempt: number;
  log: Logger;
}

export interface BatchItem<T extends MessageType> {
  event: EventOf<T>;
  ctx: HandlerContext;
}

interface CommonSpec<T extends MessageType> {
  queue: WorkQueue;
  /** Event types accepted on this queue; anything else is dead-lettered as `unknown_type`. */
  types: readonly T[];
  prefetch: number;
  /**
   * Handler calls (or batches) running at once; defaults to prefetch (single) or 2 (batch). While
   * every batch slot is busy, arriving messages join the next batch (up to `batchSize`): under
   * load batches grow, and each transaction, round trip and commit serves more messages.
   */
  concurrency?: number;
  /** Larger messages are dead-lettered unparsed. */
  maxMessageBytes?: number;
}

export interface SingleSpec<T extends MessageType> extends CommonSpec<T> {
  handle: (event: EventOf<T>, ctx: HandlerContext) => Promise<void>;
}

export interface BatchSpec<T extends MessageType> extends CommonSpec<T> {
  /**
   * Handles up to `batchSize` messages at once. Return one entry per item (an Error for an item
   * that failed, undefined for success), or nothing when all succeeded; throwing fails them all.
   */
  handleBatch: (items: BatchItem<T>[]) => Promise<(Error | undefined)[] | void>;
  batchSize: number;
  /** How long a partial batch waits for more messages when a slot is free (0: not at all). */
  batchDelayMs?: number;
}

export type ConsumerSpec<T extends MessageType> = SingleSpec<T> | BatchSpec<T>;

export interface Consumer {
  readonly queue: string;
  isConnected(): boolean;
  /** Stops taking messages, finishes and acks the ones delivered, closes the channel. */
  stop(timeoutMs?: number): Promise<void>;
}

type Parsed<T extends MessageType> =
  | { ok: true; event: EventOf<T> }
  | {
      ok: false;
      reason: 'too_large' | 'invalid_json' | 'not_cloudevent' | 'unknown_type' | 'invalid_data';
      error: string;
    };

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Bad input is classified once, here, for every consumer: it is never retried. */
export function parseMessage<T extends MessageType>(
  content: Buffer,
  types: readonly T[],
  maxBytes = 64 * 1024,
): Parsed<T> {
  if (content.length > maxBytes) {
    return {
      ok: false,
      reason: 'too_large',
      error: `message is ${content.length} bytes; the limit is ${maxBytes}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'invalid_json', error: `not valid JSON: ${(e as Error).message}` };
  }
  const envelope = cloudEventEnvelope.safeParse(json);
  if (!envelope.success) {
    return {
      ok: false,
      reason: 'not_cloudevent',
      error: `not a CloudEvent: ${describeIssues(envelope.error, '')}`,
    };
  }
  const type = envelope.data.type as T;
  if (!types.includes(type)) {
    return {
      ok: false,
      reason: 'unknown_type',
      error: `event type "${type.slice(0, 128)}" is not handled here`,
    };
  }
  const data = dataSchemas[type].safeParse(envelope.data.data);
  if (!data.success) {
    return {
      ok: false,
      reason: 'invalid_data',
      error: `invalid ${type}: ${describeIssues(data.error, 'data')}`,
    };
  }
  return { ok: true, event: { ...envelope.data, type, data: data.data } as unknown as EventOf<T> };
}

interface Delivery {
  msg: ConsumeMessage;
  channel: Channel;
  acks: AckWindow;
  started: number;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1000);
}

/**
 * Consumes one work queue with manual acks. Every delivery is settled exactly once on the
 * channel it arrived on: ack after the handler (and its confirmed follow-ups) succeeded; bad
 * input → dead-letter queue with the reason; a handler failure → retry delay queue with an
 * attempt header, then the dead-letter queue after the last delay. Copies to retry and
 * dead-letter queues are confirmed before the original is acked, so nothing is lost between.
 */
export function startConsumer<T extends MessageType>(broker: Broker, spec: ConsumerSpec<T>): Consumer {
  const queue = spec.queue.name;
  const log = broker.logger.child({ queue });
  const metrics = broker.metrics;
  const delays = broker.topology.retryDelaysMs;
  const isBatch = 'handleBatch' in spec;
  const concurrency = spec.concurrency ?? (isBatch ? 2 : spec.prefetch);
  // Also bounds handlers across a reconnect: the old channel's may still run beside a new prefetch.
  const limit = pLimit(concurrency);
  // Per-message counters resolved once (label lookups hash their labels on every call).
  const counters = metrics && {
    handled: metrics.consumed.labels({ queue, outcome: 'handled' }),
    handling: metrics.handlingSeconds.labels({ queue }),
    inFlight: metrics.inFlight.labels({ queue }),
  };

  let stopping = false;
  /** stop() has returned: nothing more is started. */
  let closed = false;
  let current: { channel: Channel; consumerTag: string; acks: AckWindow } | undefined;
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];
  const batch: { delivery: Delivery; item: BatchItem<T> }[] = [];
  let batchTimer: NodeJS.Timeout | undefined;
  /** The waiting messages have waited long enough: the next free slot takes them. */
  let batchDue = false;
  let batchesRunning = 0;

  const wrapper: ChannelWrapper = broker.connection.createChannel({
    name: `consume-${queue}`,
    confirm: false,
    setup: async (channel: ConfirmChannel) => {
      await declareTopology(channel, broker.queues, broker.topology, broker.declarer);
      if (stopping) return;
      await channel.prefetch(spec.prefetch);
      const acks = new AckWindow(channel, ACK_HOLD_MS, (err) =>
        log.debug(
          { err: (err as Error).message },
          'acks not sent: the channel is closed; the broker redelivers those messages',
        ),
      );
      const { consumerTag } = await channel.consume(queue, (msg) => onMessage(channel, acks, msg), {
        noAck: false,
      });
      current = { channel, consumerTag, acks };
      channel.on('close', () => {
        acks.close();
        if (current?.channel === channel) current = undefined;
      });
      broker.reconnectOnClose(channel, `consume ${queue}`, () => !stopping);
      log.info({ prefetch: spec.prefetch }, 'consuming');
    },
  });
  wrapper.on('error', (err) => log.error({ err: err.message }, 'consumer channel setup failed'));

  function done() {
    inFlight--;
    counters?.inFlight.dec();
    if (inFlight === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  function settleOnChannel(d: Delivery, how: 'ack' | 'requeue') {
    // A delivery tag belongs to its channel: after a reconnect the old channel is gone and the
    // broker will redeliver the message, so there is nothing left to settle.
    if (how === 'ack') return d.acks.ack(d.msg.fields.deliveryTag);
    try {
      d.channel.nack(d.msg, false, true);
      d.acks.settledElsewhere(d.msg.fields.deliveryTag);
    } catch (err) {
      log.debug(
        { err: (err as Error).message },
        'delivery not settled: its channel is closed; the broker redelivers it',
      );
    }
  }

  function attemptOf(msg: ConsumeMessage): number {
    const n = Number(msg.properties.headers?.[ATTEMPT_HEADER]);
    return Number.isInteger(n) && n > 0 ? n : 1;
  }

  async function copyTo(d: Delivery, target: string, headers: Record<string, unknown>) {
    const { properties } = d.msg;
    await broker.publishRaw('', target, d.msg.content, {
      contentType: properties.contentType,
      messageId: properties.messageId,
      type: properties.type,
      correlationId: properties.correlationId,
      timestamp: properties.timestamp,
      appId: properties.appId,
      headers: { ...stripBrokerHeaders(properties.headers), ...headers },
    });
  }

  async function deadLetter(d: Delivery, reason: string, error: string, attempt: number) {
    await copyTo(d, deadLetterQueueName(queue), {
      [REASON_HEADER]: reason,
      [ERROR_HEADER]: error,
      [ATTEMPT_HEADER]: attempt,
      'x-original-queue': queue,
      'x-failed-at': new Date().toISOString(),
    });
    metrics?.deadLettered.inc({ queue, reason });
    log.warn({ reason, error, messageId: d.msg.properties.messageId }, 'message dead-lettered');
  }

  /** Settles a delivery after its handling; never throws. */
  async function settle(d: Delivery, error?: unknown) {
    const attempt = attemptOf(d.msg);
    try {
      if (error === undefined) {
        settleOnChannel(d, 'ack');
        counters?.handled.inc();
      } else if (error instanceof PermanentError) {
        await deadLetter(d, error.reason, errorText(error), attempt);
        settleOnChannel(d, 'ack');
        metrics?.consumed.inc({ queue, outcome: 'dead_lettered' });
      } else if (attempt > delays.length) {
        await deadLetter(d, 'retries_exhausted', errorText(error), attempt);
        settleOnChannel(d, 'ack');
        metrics?.consumed.inc({ queue, outcome: 'dead_lettered' });
      } else {
        const delay = delays[attempt - 1]!;
        await copyTo(d, retryQueueName(queue, delay), {
          [ATTEMPT_HEADER]: attempt + 1,
          [ERROR_HEADER]: errorText(error),
        });
        settleOnChannel(d, 'ack');
        metrics?.retried.inc({ queue });
        metrics?.consumed.inc({ queue, outcome: 'retried' });
        log.warn({ err: errorText(error), attempt, retryInMs: delay }, 'handling failed; retrying later');
      }
    } catch (publishErr) {
      // The retry/dead-letter copy was not confirmed (broker trouble): hand the message back, after
      // a pause, so a broker that cannot take publishes (resource alarm) is not hammered in a loop.
      log.error(
        { err: errorText(publishErr) },
        'could not move message to retry/dead-letter queue; requeueing',
      );
      await new Promise((r) => setTimeout(r, REQUEUE_PAUSE_MS));
      settleOnChannel(d, 'requeue');
    } finally {
      counters?.handling.observe((Date.now() - d.started) / 1000);
    }
  }

  function onMessage(channel: Channel, acks: AckWindow, msg: ConsumeMessage | null) {
    if (msg === null) {
      // Cancelled by the broker (queue deleted, node failover): consume again on a fresh connection.
      log.warn('consumer cancelled by the broker; reconnecting');
      if (current?.channel === channel) current = undefined;
      if (!stopping) broker.forceReconnect(`consumer of ${queue} cancelled`);
      return;
    }
    inFlight++;
    counters?.inFlight.inc();
    acks.delivered(msg.fields.deliveryTag);
    const d: Delivery = { msg, channel, acks, started: Date.now() };
    const parsed = parseMessage(msg.content, spec.types, spec.maxMessageBytes);
    if (!parsed.ok) {
      void settle(d, new PermanentError(parsed.error, parsed.reason)).finally(done);
      return;
    }
    const event = parsed.event;
    const logContext = {
      eventId: event.id,
      correlationId: loginIdOf(event),
      eventType: event.type,
    };
    // One message at a time: the log context (a mixin) stamps every line with the ids. A batch
    // has many messages, so each item's own logger carries them instead.
    const attempt = attemptOf(msg);
    let itemLog: Logger | undefined;
    const ctx: HandlerContext = isBatch
      ? {
          attempt,
          // Made when first used: most items of a batch never log.
          get log() {
            return (itemLog ??= log.child(logContext));
          },
        }
      : { attempt, log };
    if (isBatch) {
      batch.push({ delivery: d, item: { event, ctx } });
      pumpBatches();
      return;
    }
    void limit(() =>
      withLogContext(logContext, async () => {
        try {
          await spec.handle(event, ctx);
          await settle(d);
        } catch (err) {
          await settle(d, err);
        }
      }),
    ).finally(done);
  }

  /**
   * Starts batches while slots are free: a full batch at once, a partial one after the batch
   * delay. While every slot is busy nothing is cut, so the waiting messages grow into the next
   * batch, which starts as soon as a slot frees.
   */
  function pumpBatches() {
    if (!isBatch || closed) return;
    while (batchesRunning < concurrency && batch.length > 0) {
      const delay = spec.batchDelayMs ?? 5;
      if (batch.length < spec.batchSize && !batchDue && !stopping && delay > 0) {
        batchTimer ??= setTimeout(() => {
          batchTimer = undefined;
          batchDue = true;
          pumpBatches();
        }, delay);
        return;
      }
      const taken = batch.splice(0, spec.batchSize);
      clearTimeout(batchTimer);
      batchTimer = undefined;
      batchDue = batch.length > 0;
      batchesRunning++;
      metrics?.batchSize.observe({ queue }, taken.length);
      void runBatch(spec, taken).finally(() => {
        taken.forEach(done);
        batchesRunning--;
        // Whatever arrived while the slots were busy has waited already.
        if (batch.length > 0) batchDue = true;
        pumpBatches();
      });
    }
  }

  async function runBatch(batchSpec: BatchSpec<T>, taken: { delivery: Delivery; item: BatchItem<T> }[]) {
    let results: (Error | undefined)[] | void;
    try {
      results = await batchSpec.handleBatch(taken.map((t) => t.item));
    } catch (err) {
      results = taken.map(() => (err instanceof Error ? err : new Error(String(err))));
    }
    await Promise.all(taken.map((t, i) => settle(t.delivery, results ? results[i] : undefined)));
  }

  return {
    queue,
    isConnected: () => current !== undefined && broker.isConnected(),
    async stop(timeoutMs = 30000) {
      stopping = true;
      if (current) {
        const { channel, consumerTag } = current;
        await channel.cancel(consumerTag).catch(() => undefined);
      }
      pumpBatches();
      if (inFlight > 0) {
        log.info({ inFlight }, 'waiting for messages in flight');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => idleWaiters.push(resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
        ]);
        clearTimeout(timer);
      }
      current?.acks.drain();
      current = undefined;
      // Batches still queued after a timed-out stop are left to the broker's redelivery.
      closed = true;
      await wrapper.close();
    },
  };
}

/** Headers the broker adds on dead-lettering; they must not pile up on every retry. */
function stripBrokerHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!headers) return {};
  const {
    'x-death': _d,
    'x-first-death-exchange': _e,
    'x-first-death-queue': _q,
    'x-first-death-reason': _r,
    'x-delivery-count': _c,
    ...rest
  } = headers;
  return rest;
}

import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { EventOf, MessageType } from '../../contracts';
import type { Logger } from '../../logger';
import { AckWindow } from '../acks';
import type { Broker } from '../broker';
import { PermanentError } from '../errors';
import { internalsOf } from '../internals';
import type { WorkQueue } from '../topology';
import { publisherOf, untrustedReason } from '../trust';
import { BatchMode } from './batch';
import { Flight, Lifecycle, Mode, ModeRuntime } from './mode';
import { attemptOf, parseMessage } from './parse';
import { Delivery, Settler } from './settle';
import { SingleMode } from './single';

export { ATTEMPT_HEADER, ERROR_HEADER, REASON_HEADER, parseMessage } from './parse';

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

/** The channel consuming now, with the window its acks go through. */
interface Current {
  channel: Channel;
  consumerTag: string;
  acks: AckWindow;
}

/**
 * Consumes one work queue with manual acks, in single or batch mode. Every delivery is settled
 * exactly once on the channel it arrived on (see Settler); bad input is dead-lettered here,
 * before any handler sees it.
 */
export function startConsumer<T extends MessageType>(broker: Broker, spec: ConsumerSpec<T>): Consumer {
  const internals = internalsOf(broker);
  const queue = spec.queue.name;
  const log = internals.logger.child({ queue });
  const metrics = internals.metrics;
  const lifecycle: Lifecycle = { stopping: false, closed: false };
  const trusted = internals.trustedPublishers;
  let current: Current | undefined;

  const settler = new Settler({
    queue,
    log,
    metrics,
    retryDelaysMs: internals.topology.retryDelaysMs,
    exchange: internals.retryExchange,
    userId: internals.userId,
    publishRaw: internals.publishRaw,
    giveBack: (d, why) => {
      // The broker takes back every unacked delivery of the channel; the reconnect consumes again.
      // Acks already settled but still held in the window go out first, so those deliveries are
      // not redelivered with it.
      d.acks.drain();
      void d.channel.close().catch(() => undefined);
      if (!lifecycle.stopping) internals.forceReconnect(why);
    },
  });
  const flight = new Flight(metrics?.inFlight.labels({ queue }));
  const rt: ModeRuntime = { queue, log, metrics, settler, flight, lifecycle };
  const mode: Mode<T> = 'handleBatch' in spec ? new BatchMode(spec, rt) : new SingleMode(spec, rt);

  function onMessage(channel: Channel, acks: AckWindow, msg: ConsumeMessage | null) {
    if (msg === null) {
      // Cancelled by the broker (queue deleted, node failover): consume again on a fresh connection.
      log.warn('consumer cancelled by the broker; reconnecting');
      if (current?.channel === channel) current = undefined;
      if (!lifecycle.stopping) internals.forceReconnect(`consumer of ${queue} cancelled`);
      return;
    }
    flight.begin();
    acks.delivered(msg.fields.deliveryTag);
    const d: Delivery = { msg, channel, acks, started: Date.now() };
    const reject = (error: string, reason: string) =>
      void settler.settle(d, new PermanentError(error, reason)).finally(() => flight.end());
    // Checked before parsing too: a publisher that may publish none of the queue's types is
    // turned away without its body being read.
    const publisher = trusted ? publisherOf(msg.properties, internals.userId) : undefined;
    const refused = trusted ? untrustedReason(publisher, spec.types) : undefined;
    if (refused) return reject(refused, 'untrusted_publisher');
    const parsed = parseMessage(msg.content, spec.types, spec.maxMessageBytes);
    if (!parsed.ok) return reject(parsed.error, parsed.reason);
    const wrongProducer = trusted ? untrustedReason(publisher, [parsed.event.type]) : undefined;
    if (wrongProducer) return reject(wrongProducer, 'untrusted_publisher');
    mode.accept(d, parsed.event, attemptOf(msg));
  }

  const wrapper: ChannelWrapper = internals.connection.createChannel({
    name: `consume-${queue}`,
    confirm: false,
    setup: async (channel: ConfirmChannel) => {
      await internals.topologyDeclared();
      if (lifecycle.stopping) return;
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
      internals.reconnectOnClose(channel, `consume ${queue}`, () => !lifecycle.stopping);
      log.info({ prefetch: spec.prefetch }, 'consuming');
    },
  });
  wrapper.on('error', (err) => log.error({ err: err.message }, 'consumer channel setup failed'));

  return {
    queue,
    isConnected: () => current !== undefined && broker.isConnected(),
    async stop(timeoutMs = 30000) {
      lifecycle.stopping = true;
      if (current) {
        const { channel, consumerTag } = current;
        await channel.cancel(consumerTag).catch(() => undefined);
      }
      mode.onStopping();
      if (flight.size > 0) {
        log.info({ inFlight: flight.size }, 'waiting for messages in flight');
        await flight.idle(timeoutMs);
      }
      current?.acks.drain();
      current = undefined;
      // Batches still queued after a timed-out stop are left to the broker's redelivery.
      lifecycle.closed = true;
      await wrapper.close();
    },
  };
}

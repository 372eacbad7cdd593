import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel, Options } from 'amqplib';
import { EventOf, MessageType, exchangeFor } from '../contracts';

export { brokerUserOf, publishProperties } from './properties';
export { queueArgumentsCheck } from './readiness';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { SpanKind, currentTraceparent, inSpan, publishParent } from '../tracing';
import { coalesceSocketWrites } from './coalesce-writes';
import { attachInternals } from './internals';
import { publishProperties } from './properties';
import {
  QueueDeclarer,
  QueueMismatch,
  TopologyOptions,
  WorkQueue,
  declareTopology,
  retryExchangeName,
} from './topology';
import { type BrokerUrls, brokerUserOfUrls, parseBrokerUrls, redactUrl } from './urls';

export interface BrokerOptions {
  /**
   * One broker, or the nodes of a cluster as a comma-separated list (AMQP_URL) or an array: the
   * connection goes to the first that answers and, when lost, to the next in turn.
   */
  url: BrokerUrls;
  name: string;
  logger: Logger;
  metrics?: Metrics;
  queues: WorkQueue[];
  topology: TopologyOptions;
  publishTimeoutMs: number;
  /** Consumers accept an event only from the broker user SPEC §3 names as its producer. */
  trustedPublishers?: boolean;
  /** While a queue has other arguments, how often the topology is declared again (it may be gone). */
  recheckMs?: number;
}

/** The publisher surface services use; what only the consumer needs lives in ./internals. */
export interface Broker {
  /** Resolves once the broker confirmed the message (persistent, on a confirm channel). */
  publish<T extends MessageType>(event: EventOf<T>): Promise<void>;
  /** Publishes bytes as they are (confirmed, persistent unless `props` say otherwise). */
  publishRaw(exchange: string, routingKey: string, body: Buffer, props: Options.Publish): Promise<void>;
  /** Resolves when the publish channel is connected and the topology declared. */
  waitForReady(): Promise<void>;
  /** Connected, with the publish channel open. */
  isConnected(): boolean;
  close(): Promise<void>;
}

export function connectBroker(opts: BrokerOptions): Broker {
  coalesceSocketWrites();
  const { logger, metrics } = opts;
  const urls = parseBrokerUrls(opts.url);
  // amqp-connection-manager reconnects by itself, re-runs each channel's setup (our topology),
  // keeps publishes issued while disconnected and re-sends the unconfirmed ones. Given several
  // brokers it tries them round-robin: each (re)connect attempt goes to the next one, so a
  // cluster node that is down is skipped after one failed attempt.
  const connection = amqp.connect(urls, {
    heartbeatIntervalInSeconds: 5,
    reconnectTimeInSeconds: 1,
    // amqplib leaves Nagle's algorithm on: a lone small frame (a publish, an ack) then waits for
    // the peer's delayed ACK, ~40 ms per hop at low rates.
    connectionOptions: { noDelay: true, clientProperties: { connection_name: opts.name } },
  });
  // The event's url is the entry it used (a string: we pass strings).
  const brokerOf = (url: unknown) => (typeof url === 'string' ? redactUrl(url) : undefined);
  let connectedTo: string | undefined;
  connection.on('connect', ({ url }) => {
    connectedTo = brokerOf(url);
    logger.info({ broker: connectedTo }, 'broker connected');
  });
  connection.on('disconnect', ({ err }) =>
    logger.warn({ err: err?.message, broker: connectedTo }, 'broker disconnected; reconnecting'),
  );
  connection.on('connectFailed', ({ err, url }) =>
    logger.warn(
      { err: err?.message, broker: brokerOf(url) },
      urls.length > 1
        ? 'broker connection failed; trying the next broker'
        : 'broker connection failed; retrying',
    ),
  );
  connection.on('blocked', ({ reason }) =>
    logger.warn({ reason }, 'broker blocked publishing (resource alarm)'),
  );

  let closing = false;
  let publishChannelOpen = false;
  /**
   * amqp-connection-manager re-creates channels only when the *connection* comes back: a channel
   * the broker closed on its own (a consumer timeout, a precondition failure) would stay dead
   * while the connection looks healthy. Such a close forces a reconnect of the whole connection,
   * which re-runs every channel's setup.
   */
  let forcing = false;
  connection.on('connect', () => (forcing = false));
  // Several channels can close at once: one forced reconnect, not one per channel.
  const forceReconnect = (why: string) => {
    if (closing || forcing || !connection.isConnected()) return;
    forcing = true;
    const before = connection.connection;
    // Let a connection that is going down anyway be noticed first: reconnect() on a dead
    // connection would wait for a close that never completes.
    setTimeout(() => {
      if (closing || !connection.isConnected() || connection.connection !== before) {
        forcing = false;
        return;
      }
      logger.warn({ why }, 'reconnecting to the broker');
      connection.reconnect();
    }, 200);
  };
  // A channel the broker closes with an error (not one closing with its connection) is recovered
  // by re-making the connection.
  const reconnectOnClose = (ch: Channel, what: string, isCurrent: () => boolean) => {
    ch.on('error', (err: Error) => {
      if (isCurrent()) forceReconnect(`${what} channel closed by the broker: ${err.message}`);
    });
  };

  const declarer: QueueDeclarer = {
    open: async () => {
      const model = connection.connection;
      if (!model) throw new Error('not connected to RabbitMQ');
      return model.createChannel();
    },
    mismatch: (found, wanted) => {
      (declaring ?? mismatches).set(found.queue, found);
      // Once per queue, not on every declaration that finds it again.
      if (mismatches.has(found.queue)) return;
      logger.error(
        { queue: found.queue, differs: found.differs, wanted },
        'queue exists with other arguments; using it as it is, not ready until it is drained and deleted',
      );
    },
  };
  /** Found by the latest complete declaration. */
  let mismatches = new Map<string, QueueMismatch>();
  /** Being found by the declaration running now. */
  let declaring: Map<string, QueueMismatch> | undefined;
  let recheckTimer: NodeJS.Timeout | undefined;
  /**
   * A queue with old arguments may be deleted by the operator at any time; declaring again
   * re-creates it with the new ones (and its bindings), and readiness turns back.
   */
  const scheduleRecheck = () => {
    if (closing || recheckTimer || mismatches.size === 0) return;
    recheckTimer = setTimeout(() => {
      recheckTimer = undefined;
      const model = connection.connection;
      if (closing || !model) return;
      declareOn(model).then(scheduleRecheck, (err: unknown) => {
        logger.warn({ err: (err as Error).message }, 'declaring the topology again failed');
        scheduleRecheck();
      });
    }, opts.recheckMs ?? 10_000);
    recheckTimer.unref();
  };

  type Model = NonNullable<AmqpConnectionManager['connection']>;
  // Every channel's setup waits for this; the first setup on a fresh connection runs it, so a
  // reconnect re-applies the topology once rather than once per channel.
  let declared: { model: Model; done: Promise<void> } | undefined;
  const topologyDeclared = (): Promise<void> => {
    const model = connection.connection;
    if (!model) return Promise.reject(new Error('not connected to RabbitMQ'));
    if (declared?.model !== model) {
      const done: Promise<void> = declareOn(model).catch((err: unknown) => {
        // A later setup on this connection tries again instead of inheriting the failure.
        if (declared?.done === done) declared = undefined;
        throw err;
      });
      declared = { model, done };
    }
    return declared.done;
  };
  async function declareOn(model: Model) {
    const ch = await model.createChannel();
    // The failing declaration's promise carries the error; without a listener it would also be thrown.
    ch.on('error', () => undefined);
    const found = (declaring = new Map());
    try {
      await declareTopology(ch, opts.name, opts.queues, opts.topology, declarer);
    } catch (err) {
      // A declaration cut short proves nothing about the queues it did not reach.
      for (const [q, m] of found) mismatches.set(q, m);
      throw err;
    } finally {
      if (declaring === found) declaring = undefined;
    }
    for (const q of mismatches.keys()) {
      if (!found.has(q)) logger.info({ queue: q }, 'queue now has the declared arguments');
    }
    mismatches = found;
    await ch.close();
    scheduleRecheck();
  }

  let publishChannel: Channel | undefined;
  const channel: ChannelWrapper = connection.createChannel({
    name: `${opts.name}-publish`,
    confirm: true,
    publishTimeout: opts.publishTimeoutMs,
    setup: async (ch: ConfirmChannel) => {
      await topologyDeclared();
      publishChannel = ch;
      publishChannelOpen = true;
      ch.on('close', () => {
        if (publishChannel === ch) publishChannelOpen = false;
      });
      reconnectOnClose(ch, 'publish', () => publishChannel === ch);
    },
  });
  channel.on('error', (err) => logger.error({ err: err.message }, 'publish channel setup failed'));

  /**
   * amqp-connection-manager re-sends a message whose channel closed before the confirm only when
   * it noticed the close first; amqplib fails the pending confirms before announcing the close,
   * so a publish in flight during a connection loss is rejected instead. It is sent again here
   * until confirmed or PUBLISH_TIMEOUT_MS has passed (a duplicate carries the same id and is
   * deduplicated downstream).
   */
  // Resolved once per exchange and routing key (a label lookup hashes its labels on every call).
  const publishedCounters = new Map<string, ReturnType<Metrics['published']['labels']>>();
  const publishedCounter = (exchange: string, routingKey: string) => {
    if (!metrics) return undefined;
    const key = `${exchange}\u0000${routingKey}`;
    let c = publishedCounters.get(key);
    if (!c) {
      c = metrics.published.labels({ exchange: exchange || '(default)', routing_key: routingKey });
      publishedCounters.set(key, c);
    }
    return c;
  };

  // Every entry names the same user (parseBrokerUrls checks), whichever node we are on.
  const userId = brokerUserOfUrls(urls);
  async function publishRaw(exchange: string, routingKey: string, body: Buffer, props: Options.Publish) {
    const deadline = Date.now() + opts.publishTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await channel.publish(exchange, routingKey, body, {
          persistent: true,
          ...props,
          // The broker refuses any other user_id, so consumers can trust it names the publisher.
          userId,
          timeout: Math.max(1, deadline - Date.now()),
        });
        break;
      } catch (err) {
        if (closing || Date.now() + 250 >= deadline) throw err;
        logger.warn(
          { err: (err as Error).message, attempt, routingKey },
          'publish not confirmed; sending again',
        );
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * attempt)));
      }
    }
    publishedCounter(exchange, routingKey)?.inc();
  }

  const broker: Broker = {
    publish: (event) =>
      inSpan(`publish ${event.type}`, { kind: SpanKind.PRODUCER, parent: publishParent(event) }, (span) => {
        const props = publishProperties(event, opts.name);
        // Tracing on: the publish span's context in the AMQP header (off: the headers as before).
        const traceparent = span ? currentTraceparent() : undefined;
        return publishRaw(
          exchangeFor(event.type),
          event.type,
          Buffer.from(JSON.stringify(event)),
          traceparent ? { ...props, headers: { ...props.headers, traceparent } } : props,
        );
      }),
    publishRaw,
    waitForReady: () => channel.waitForConnect(),
    isConnected: () => connection.isConnected() && publishChannelOpen,
    close: async () => {
      closing = true;
      clearTimeout(recheckTimer);
      await channel.close();
      await connection.close();
    },
  };
  return attachInternals(broker, {
    connection,
    topology: opts.topology,
    service: opts.name,
    retryExchange: retryExchangeName(opts.name),
    userId,
    trustedPublishers: opts.trustedPublishers ?? false,
    queueMismatches: () => [...mismatches.values()],
    logger,
    metrics,
    topologyDeclared,
    publishRaw,
    reconnectOnClose,
    forceReconnect,
  });
}

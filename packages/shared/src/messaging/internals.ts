import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Channel, Options } from 'amqplib';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Broker } from './broker';
import type { QueueMismatch, TopologyOptions } from './topology';

/**
 * What the consumer needs from a broker beyond publishing. Kept out of `Broker` (and out of the
 * package barrel) so services see only the publisher surface; reached through `internalsOf`.
 */
export interface BrokerInternals {
  readonly connection: AmqpConnectionManager;
  readonly topology: TopologyOptions;
  /** The service the broker belongs to (its queues, its retry exchange). */
  readonly service: string;
  /** `<service>.retry`: where retry and dead-letter copies are published. */
  readonly retryExchange: string;
  /** The broker user of the connection: the `user_id` of every publish. */
  readonly userId: string;
  /** TRUSTED_PUBLISHERS: consumers check each event's `user_id` against its SPEC producer. */
  readonly trustedPublishers: boolean;
  /** Queues found with other arguments on the latest declaration. */
  queueMismatches(): QueueMismatch[];
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Resolves once the topology is declared on the current connection: once per connection. */
  topologyDeclared(): Promise<void>;
  publishRaw(exchange: string, routingKey: string, body: Buffer, props: Options.Publish): Promise<void>;
  /** Watches a channel: if the broker closes it while `isCurrent()`, the connection is re-made. */
  reconnectOnClose(ch: Channel, what: string, isCurrent: () => boolean): void;
  /** Re-makes the connection (and so every channel, with its setup); once, however often called. */
  forceReconnect(why: string): void;
}

const registry = new WeakMap<Broker, BrokerInternals>();

export function attachInternals<B extends Broker>(broker: B, internals: BrokerInternals): B {
  registry.set(broker, internals);
  return broker;
}

export function internalsOf(broker: Broker): BrokerInternals {
  const internals = registry.get(broker);
  if (!internals) throw new Error('not a broker made by connectBroker()');
  return internals;
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per service instance (tests run several in one process). */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    consumed: new Counter({
      name: 'messages_consumed_total',
      help: 'Messages taken from a queue and settled, by outcome',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    published: new Counter({
      name: 'messages_published_total',
      help: 'Messages published and confirmed by the broker',
      labelNames: ['exchange', 'routing_key'] as const,
      registers: [registry],
    }),
    retried: new Counter({
      name: 'messages_retried_total',
      help: 'Messages sent to a retry delay queue after a transient failure',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'messages_dead_lettered_total',
      help: 'Messages sent to the dead-letter queue, by reason',
      labelNames: ['queue', 'reason'] as const,
      registers: [registry],
    }),
    handlingSeconds: new Histogram({
      name: 'message_handling_seconds',
      help: 'Time from delivery to settlement',
      labelNames: ['queue'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'message_batch_size',
      help: 'Messages handled together by a batch consumer',
      labelNames: ['queue'] as const,
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'messages_in_flight',
      help: 'Messages delivered and not yet settled',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

import {
  Broker,
  Consumer,
  EVENTS_EXCHANGE,
  EventOf,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  TransientError,
  connectBroker,
  createEvent,
  createLogger,
  createMetrics,
  followUp,
  serviceQueue,
  startConsumer,
} from '../../src';
import {
  MessageCollector,
  TestVhost,
  barrier,
  createTestVhost,
  publishRaw,
  waitUntil,
} from '../../src/testing';

const QUEUE = serviceQueue('barrier', LOGIN_SUCCEEDED);
type Login = EventOf<typeof LOGIN_SUCCEEDED>;

const login = (account: string): Login =>
  createEvent({
    type: LOGIN_SUCCEEDED,
    source: 'game-login/test',
    subject: account,
    data: {
      accountId: account,
      sessionId: `s-${account}`,
      ip: '1.2.3.4',
      client: { platform: 'pc', version: '1.0' },
    },
  });

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/**
 * A consumer that answers every login with a login.geo-resolved, as ip-checker does, several
 * handlers at once: a second delivery of a login can be held at a gate, or fail once and come
 * back through the retry queue. The barrier is then the only thing between the test and a race.
 */
describe('barrier.afterQueue', () => {
  let vhost: TestVhost;
  let broker: Broker;
  let consumer: Consumer;
  let out: MessageCollector;
  const deliveries = new Map<string, number>();
  const holds = new Map<string, ReturnType<typeof gate>>();
  const held = new Set<string>();
  const failOnce = new Set<string>();
  const metrics = createMetrics('barrier');
  const probe = {
    name: QUEUE.name,
    inFlight: async () =>
      (await metrics.inFlight.get()).values
        .filter((v) => v.labels.queue === QUEUE.name)
        .reduce((sum, v) => sum + v.value, 0),
  };

  beforeAll(async () => {
    vhost = await createTestVhost('barrier');
    broker = connectBroker({
      url: vhost.url,
      name: 'barrier',
      logger: createLogger('barrier', process.env.TEST_LOG_LEVEL ?? 'silent'),
      metrics,
      queues: [QUEUE],
      topology: { queueType: 'quorum', retryDelaysMs: [1000], deliveryLimit: 20 },
      publishTimeoutMs: 10000,
    });
    await broker.waitForReady();
    consumer = startConsumer(broker, {
      queue: QUEUE,
      types: [LOGIN_SUCCEEDED],
      prefetch: 10,
      concurrency: 4,
      handle: async (event) => {
        const n = (deliveries.get(event.id) ?? 0) + 1;
        deliveries.set(event.id, n);
        if (n === 2 && holds.has(event.id)) {
          held.add(event.id);
          await holds.get(event.id)!.opened;
        }
        if (n === 2 && failOnce.has(event.id)) throw new TransientError('the database blinked');
        await broker.publish(
          followUp(
            event,
            LOGIN_GEO_RESOLVED,
            { ...event.data, geo: { country: 'KR', database: 'barrier-test' } },
            { source: 'barrier-test' },
          ),
        );
      },
    });
    await waitUntil(() => consumer.isConnected(), 20000, 'consuming');
    out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_GEO_RESOLVED },
    ]);
  });
  afterAll(async () => {
    for (const g of holds.values()) g.open();
    await out?.close();
    await consumer?.stop(5000);
    await broker?.close();
    await vhost?.delete();
  });

  const publish = (e: Login) => publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
  const effectsOf = (e: Login) => out.of(LOGIN_GEO_RESOLVED).filter((m) => m.body.correlationid === e.id);
  let sentinels = 0;
  const sentinel = () => {
    const s = login(`sentinel-${++sentinels}`);
    return { send: () => publish(s), seen: () => effectsOf(s).length > 0, what: s.data.accountId };
  };

  test('when a late duplicate is still being handled, then a sentinel alone overtakes it, and the barrier waits for it so the assertion after it sees the second effect', async () => {
    const original = login('player');
    await publish(original);
    await waitUntil(() => effectsOf(original).length === 1, 20000, 'the first effect');

    const slow = gate();
    holds.set(original.id, slow);
    await publish(original);
    await waitUntil(() => held.has(original.id), 20000, 'the duplicate in its handler');

    // A sentinel on its own: the next free handler takes it, and its effect is there while the
    // duplicate's is not. An assertion here would have passed on one effect.
    const alone = sentinel();
    await alone.send();
    await waitUntil(alone.seen, 20000, 'the lone sentinel');
    expect(effectsOf(original)).toHaveLength(1);

    const before = sentinels;
    const passed = barrier.afterQueue({ vhost, queue: probe, sentinel });
    // Its first sentinel overtakes the duplicate too; the second is not sent while the duplicate
    // is in flight.
    await waitUntil(() => sentinels === before + 1, 20000, "the barrier's first sentinel");
    await waitUntil(() =>
      out.of(LOGIN_GEO_RESOLVED).some((m) => m.body.subject === `sentinel-${before + 1}`),
    );
    expect(await probe.inFlight()).toBeGreaterThanOrEqual(1);
    expect(sentinels).toBe(before + 1);

    slow.open();
    await passed;
    expect(sentinels).toBe(before + 2);
    expect(effectsOf(original)).toHaveLength(2);
  });

  test('when a late duplicate fails once and waits in the retry queue, then the barrier waits for its retry', async () => {
    const original = login('retried');
    await publish(original);
    await waitUntil(() => effectsOf(original).length === 1, 20000, 'the first effect');

    failOnce.add(original.id);
    await publish(original);
    await waitUntil(() => deliveries.get(original.id) === 2, 20000, 'the failing duplicate');

    await barrier.afterQueue({ vhost, queue: probe, sentinel });
    // Published only by the third delivery, which comes back from the retry queue a second later.
    expect(deliveries.get(original.id)).toBe(3);
    expect(effectsOf(original)).toHaveLength(2);
  });

  test('when the queue never drains, then the barrier fails naming what is left', async () => {
    const original = login('stuck');
    await publish(original);
    await waitUntil(() => effectsOf(original).length === 1, 20000, 'the first effect');
    const stuck = gate();
    holds.set(original.id, stuck);
    await publish(original);
    await waitUntil(() => held.has(original.id), 20000, 'the duplicate in its handler');

    await expect(barrier.drained(vhost, probe, 1500)).rejects.toThrow(
      /^barrier: timed out .* \(barrier\.login\.succeeded: 1 in flight\)$/,
    );
    stuck.open();
    await barrier.drained(vhost, probe);
    await expect(barrier.drained(vhost, { ...probe, name: 'barrier.no-such-queue' })).rejects.toThrow(
      'barrier: queue "barrier.no-such-queue" does not exist',
    );
  });
});

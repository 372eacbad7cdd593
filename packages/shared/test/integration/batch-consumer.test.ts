import amqplib from 'amqplib';
import {
  BatchItem,
  BatchSpec,
  Broker,
  Consumer,
  EVENTS_EXCHANGE,
  LOGIN_SUCCEEDED,
  PermanentError,
  TransientError,
  connectBroker,
  createEvent,
  createLogger,
  listDeadLetters,
  serviceQueue,
  startConsumer,
} from '../../src';
import { internalsOf } from '../../src/messaging/internals';
import { TestVhost, createTestVhost, publishRaw, waitUntil } from '../../src/testing';

const QUEUE = serviceQueue('batcher', LOGIN_SUCCEEDED);
type Item = BatchItem<typeof LOGIN_SUCCEEDED>;

const login = (account: string) =>
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

/** A promise the test resolves: a batch handler awaits it to keep its slot busy. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

async function queueState(url: string, queue = QUEUE.name) {
  const conn = await amqplib.connect(url);
  try {
    const ch = await conn.createChannel();
    const { messageCount } = await ch.checkQueue(queue);
    return messageCount;
  } finally {
    await conn.close();
  }
}

describe('the shared consumer in batch mode', () => {
  let vhost: TestVhost;
  let broker: Broker;
  let consumer: Consumer | undefined;

  const start = (spec: Omit<BatchSpec<typeof LOGIN_SUCCEEDED>, 'queue' | 'types'>) => {
    consumer = startConsumer(broker, { queue: QUEUE, types: [LOGIN_SUCCEEDED], ...spec });
    return waitUntil(() => consumer!.isConnected(), 20000, 'consuming');
  };
  const publish = (events: object[]) =>
    Promise.all(events.map((e) => publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e)));

  beforeEach(async () => {
    vhost = await createTestVhost('batch-consumer');
    broker = connectBroker({
      url: vhost.url,
      name: 'batcher',
      logger: createLogger('batcher', process.env.TEST_LOG_LEVEL ?? 'silent'),
      queues: [QUEUE],
      topology: { queueType: 'quorum', retryDelaysMs: [200], deliveryLimit: 20 },
      publishTimeoutMs: 10000,
    });
    await broker.waitForReady();
  });
  afterEach(async () => {
    await consumer?.stop(5000);
    consumer = undefined;
    await broker.close();
    await vhost.delete();
  });

  test('when every slot is busy, then the messages arriving meanwhile join the next batch', async () => {
    const sizes: number[] = [];
    const busy = gate();
    await start({
      prefetch: 100,
      concurrency: 1,
      batchSize: 50,
      batchDelayMs: 5,
      handleBatch: async (items) => {
        sizes.push(items.length);
        if (sizes.length === 1) await busy.opened;
      },
    });
    await publish([login('first')]);
    await waitUntil(() => sizes.length === 1, 10000, 'the first batch running');
    await publish(Array.from({ length: 20 }, (_, i) => login(`later-${i}`)));
    // Delivered to the consumer (none left ready) while the only slot is still busy.
    await waitUntil(async () => (await queueState(vhost.url)) === 0, 10000, 'all delivered');
    await new Promise((r) => setTimeout(r, 50));
    expect(sizes).toEqual([1]);
    busy.open();
    await waitUntil(() => sizes.reduce((a, b) => a + b, 0) === 21, 10000, 'all handled');
    expect(sizes).toEqual([1, 20]);
  });

  test('when a batch handler returns an Error for one item, then only that item is retried or dead-lettered and the others are acked', async () => {
    const seen: string[] = [];
    await start({
      prefetch: 50,
      batchSize: 10,
      batchDelayMs: 50,
      handleBatch: async (items: Item[]) =>
        items.map(({ event, ctx }) => {
          seen.push(`${event.data.accountId}#${ctx.attempt}`);
          if (event.data.accountId === 'poison') return new PermanentError('never valid', 'rejected');
          if (event.data.accountId === 'flaky' && ctx.attempt === 1) return new TransientError('db down');
          return undefined;
        }),
    });
    await publish(['ok-1', 'poison', 'flaky', 'ok-2'].map(login));
    await waitUntil(() => seen.includes('flaky#2'), 10000, 'the flaky item retried');
    await waitUntil(
      async () => (await listDeadLetters(vhost.url, QUEUE.name)).length === 1,
      10000,
      'one dead letter',
    );
    await consumer!.stop(5000);
    consumer = undefined;
    expect([...seen].sort()).toEqual(['flaky#1', 'flaky#2', 'ok-1#1', 'ok-2#1', 'poison#1']);
    const [dead] = await listDeadLetters(vhost.url, QUEUE.name);
    expect(dead).toMatchObject({ reason: 'rejected', error: 'PermanentError: never valid', attempts: 1 });
    expect(JSON.parse(dead!.body).data.accountId).toBe('poison');
    // Acked, not returned to the queue when the channel closed.
    expect(await queueState(vhost.url)).toBe(0);
  });

  test('when the channel is replaced while a batch runs, then its acks go to the channel it arrived on and the redelivered copies are acked on the new one', async () => {
    const seen: { account: string; redelivered: boolean }[] = [];
    const busy = gate();
    const connection = internalsOf(broker).connection;
    let connects = 0;
    connection.on('connect', () => connects++);
    let batches = 0;
    await start({
      prefetch: 50,
      batchSize: 10,
      batchDelayMs: 20,
      handleBatch: async (items) => {
        batches++;
        for (const { event } of items) seen.push({ account: event.data.accountId, redelivered: batches > 1 });
        if (batches === 1) await busy.opened;
      },
    });
    await publish(['a', 'b', 'c'].map(login));
    await waitUntil(() => batches === 1 && seen.length === 3, 10000, 'the first batch running');
    internalsOf(broker).forceReconnect('test: replace the channel');
    await waitUntil(() => connects === 1 && consumer!.isConnected(), 10000, 'a new channel consuming');
    // The broker redelivers the old channel's unacked messages; they are handled and acked on the
    // new channel while the old batch still runs.
    await waitUntil(() => seen.filter((s) => s.redelivered).length === 3, 10000, 'the copies redelivered');
    await new Promise((r) => setTimeout(r, 200));
    // The old batch settles now, after its channel has gone: its tags mean nothing on the new one.
    busy.open();
    await publish([login('after')]);
    await waitUntil(() => seen.some((s) => s.account === 'after'), 10000, 'a later message handled');
    await new Promise((r) => setTimeout(r, 300));
    // A wrong-channel ack would close the new channel (PRECONDITION_FAILED) and force another reconnect.
    expect(connects).toBe(1);
    expect(consumer!.isConnected()).toBe(true);
    await consumer!.stop(5000);
    consumer = undefined;
    expect(await queueState(vhost.url)).toBe(0);
  });

  test('when stop() is called while a batch runs, then it waits for the batch and acks it', async () => {
    const handled: string[] = [];
    const busy = gate();
    let started = false;
    await start({
      prefetch: 20,
      batchSize: 10,
      batchDelayMs: 20,
      handleBatch: async (items) => {
        started = true;
        await busy.opened;
        handled.push(...items.map((i) => i.event.data.accountId));
      },
    });
    await publish(['x', 'y', 'z'].map(login));
    await waitUntil(() => started, 10000, 'the batch running');
    let stopped = false;
    const stopping = consumer!.stop(10000).then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(stopped).toBe(false);
    busy.open();
    await stopping;
    consumer = undefined;
    expect(handled.sort()).toEqual(['x', 'y', 'z']);
    expect(await queueState(vhost.url)).toBe(0);
  });

  test('when channels open on one connection, then the topology is declared once for it and again after a reconnect', async () => {
    await start({ prefetch: 10, batchSize: 10, handleBatch: async () => undefined });
    const internals = internalsOf(broker);
    const first = internals.topologyDeclared();
    expect(internals.topologyDeclared()).toBe(first);
    let connects = 0;
    internals.connection.on('connect', () => connects++);
    internals.forceReconnect('test');
    await waitUntil(() => connects === 1 && consumer!.isConnected(), 10000, 'reconnected');
    const second = internals.topologyDeclared();
    expect(second).not.toBe(first);
    await second;
  });
});

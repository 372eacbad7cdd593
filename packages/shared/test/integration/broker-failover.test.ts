import net from 'node:net';
import pino from 'pino';
import {
  Broker,
  Consumer,
  EVENTS_EXCHANGE,
  LOGIN_SUCCEEDED,
  connectBroker,
  connectFirstBroker,
  countDeadLetters,
  createEvent,
  redactUrl,
  serviceQueue,
  startConsumer,
} from '../../src';
import { MessageCollector, TestVhost, createTestVhost, publishRaw, waitUntil } from '../../src/testing';

const QUEUE = serviceQueue('failover', LOGIN_SUCCEEDED);

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

/** A port nothing listens on: the kernel hands one out, and it is closed again. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The same URL (user, password, vhost) with another port: another "node" of the cluster. */
const onPort = (url: string, port: number) => {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
};

/**
 * A TCP relay to the real broker, standing in for a cluster node that can be lost: `kill()`
 * stops it and cuts every connection through it, as a node's death would.
 */
async function relayTo(url: string) {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(Number(target.port || 5672), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    accepted: () => accepted,
    kill: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** A logger that keeps its lines, to see which broker was used and that no password is written. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  const connectedTo = () => lines.filter((l) => l.msg === 'broker connected').map((l) => l.broker);
  return { logger, lines, raw, connectedTo };
}

describe('a broker given several URLs (a RabbitMQ cluster)', () => {
  let vhost: TestVhost;
  let broker: Broker | undefined;
  let consumer: Consumer | undefined;

  beforeEach(async () => {
    vhost = await createTestVhost('broker-failover');
  });
  afterEach(async () => {
    await consumer?.stop(5000);
    consumer = undefined;
    await broker?.close();
    broker = undefined;
    await vhost.delete();
  });

  const start = (url: string, logger: pino.Logger) => {
    broker = connectBroker({
      url,
      name: 'failover',
      logger,
      queues: [QUEUE],
      topology: { queueType: 'quorum', retryDelaysMs: [200], deliveryLimit: 20 },
      publishTimeoutMs: 10000,
    });
    const seen: string[] = [];
    consumer = startConsumer(broker, {
      queue: QUEUE,
      types: [LOGIN_SUCCEEDED],
      prefetch: 10,
      handle: async (event) => {
        seen.push(event.data.accountId);
      },
    });
    return seen;
  };

  test('when the first broker does not answer, then the service connects to the next, publishes with confirm and consumes', async () => {
    const down = onPort(vhost.url, await deadPort());
    const log = recordingLogger();
    const seen = start(`${down},${vhost.url}`, log.logger);
    await broker!.waitForReady();
    await waitUntil(() => consumer!.isConnected(), 20000, 'consuming');

    // Resolves only once the broker confirmed the message.
    await broker!.publish(login('after-failover'));
    await waitUntil(() => seen.includes('after-failover'), 20000, 'the event consumed');

    const failed = log.lines.filter((l) => l.msg === 'broker connection failed; trying the next broker');
    expect(failed[0]?.broker).toBe(redactUrl(down));
    expect(log.connectedTo()).toEqual([redactUrl(vhost.url)]);
    expect(redactUrl(vhost.url)).toContain(':***@');
    expect(log.raw.join('')).not.toContain(':guest@');
  });

  test('when the broker in use goes away, then the connection moves to the next one and publishing and consuming go on', async () => {
    const node1 = await relayTo(vhost.url);
    const log = recordingLogger();
    const seen = start(`${onPort(vhost.url, node1.port)},${vhost.url}`, log.logger);
    await broker!.waitForReady();
    await waitUntil(() => consumer!.isConnected(), 20000, 'consuming');
    expect(node1.accepted()).toBeGreaterThan(0);
    expect(log.connectedTo()).toEqual([redactUrl(onPort(vhost.url, node1.port))]);
    await broker!.publish(login('before'));
    await waitUntil(() => seen.includes('before'), 20000, 'the first event consumed');

    await node1.kill();
    await waitUntil(() => log.connectedTo().length === 2, 20000, 'a connection to the second broker');
    expect(log.connectedTo()[1]).toBe(redactUrl(vhost.url));
    await waitUntil(() => broker!.isConnected() && consumer!.isConnected(), 20000, 'consuming again');

    await broker!.publish(login('after'));
    await waitUntil(() => seen.includes('after'), 20000, 'the event after the failover consumed');
    expect(log.raw.join('')).not.toContain(':guest@');
  });

  test('the one-off tools (publishRaw, MessageCollector, the dead-letter tools) try the brokers in order', async () => {
    const list = `${onPort(vhost.url, await deadPort())},${vhost.url}`;
    const collector = await MessageCollector.start(list, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_SUCCEEDED },
    ]);
    try {
      await publishRaw(list, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, login('raw'));
      const [got] = await collector.waitFor(LOGIN_SUCCEEDED, 1);
      expect(got!.body.data.accountId).toBe('raw');
    } finally {
      await collector.close();
    }
    // The queue exists once a broker declared it.
    const log = recordingLogger();
    start(vhost.url, log.logger);
    await broker!.waitForReady();
    expect(await countDeadLetters(list, QUEUE.name)).toBe(0);
  });

  test('when no broker answers, then the error names each one, without its password', async () => {
    const a = onPort(vhost.url, await deadPort());
    const b = onPort(vhost.url, await deadPort());
    const failure = await connectFirstBroker(`${a},${b}`).then(
      () => 'connected',
      (err: Error) => err.message,
    );
    expect(failure).toContain('no broker accepted a connection');
    expect(failure).toContain(`${redactUrl(a)}: `);
    expect(failure).toContain(`${redactUrl(b)}: `);
    expect(failure).not.toContain(':guest@');
  });
});

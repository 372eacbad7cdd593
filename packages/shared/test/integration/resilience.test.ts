import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import { EVENTS_EXCHANGE, LOGIN_SUCCEEDED, createEvent } from '../../src';
import {
  MessageCollector,
  TestVhost,
  barrier,
  createTestVhost,
  inFlightAt,
  publishRaw,
  testEnv,
  waitUntil,
} from '../../src/testing';
import { RELAY_QUEUE, startRelay } from '../fixtures/relay-service';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const FIXTURE = path.join(__dirname, '../fixtures/relay-service.ts');

const login = (platform: string, i = 0) =>
  createEvent({
    type: LOGIN_SUCCEEDED,
    source: 'game-login/test',
    subject: `acc-${i}`,
    data: { accountId: `acc-${i}`, sessionId: `s-${i}`, ip: '1.2.3.4', client: { platform, version: '1.0' } },
  });

async function publishMany(url: string, events: object[]) {
  const conn = await amqplib.connect(url);
  const ch = await conn.createConfirmChannel();
  for (const e of events) {
    ch.publish(EVENTS_EXCHANGE, LOGIN_SUCCEEDED, Buffer.from(JSON.stringify(e)), { persistent: true });
  }
  await ch.waitForConfirms();
  await conn.close();
}

async function queueDepth(url: string, queue: string): Promise<number> {
  const conn = await amqplib.connect(url);
  try {
    const ch = await conn.createChannel();
    return (await ch.checkQueue(queue)).messageCount;
  } finally {
    await conn.close();
  }
}

describe('the shared runtime under broker and process faults', () => {
  let vhost: TestVhost;
  beforeEach(async () => {
    vhost = await createTestVhost('resilience');
  });
  afterEach(async () => {
    await vhost.delete();
  });

  test('when the broker closes the consumer connection mid-stream of 1,000 events, then it reconnects and all 1,000 are handled', async () => {
    const relay = await startRelay(
      testEnv({ AMQP_URL: vhost.url, PREFETCH: '10', SLOW_MS: '15', RELAY_SOURCE: 'relay' }),
    );
    try {
      await waitUntil(() => relay.svc.consumers.every((c) => c.isConnected()));
      const events = Array.from({ length: 1000 }, (_, i) => login('slow', i));
      await publishMany(vhost.url, events);
      await waitUntil(() => relay.handled.length >= 200, 30000, '200 handled');
      await exec('rabbitmqctl', ['-q', 'close_all_connections', '-p', vhost.name, 'test: broker-side close']);
      const ids = new Set(events.map((e) => e.id));
      await waitUntil(() => [...ids].every((id) => relay.handled.includes(id)), 60000, 'all 1,000 handled');
      expect(new Set(relay.handled.filter((id) => ids.has(id))).size).toBe(1000);
      await waitUntil(async () => (await queueDepth(vhost.url, 'relay.login.succeeded')) === 0);
    } finally {
      await relay.svc.stop();
    }
  });

  test('when the broker cancels the consumer (its queue deleted), then the queue is declared again and consumed', async () => {
    const relay = await startRelay(testEnv({ AMQP_URL: vhost.url, RELAY_SOURCE: 'relay' }));
    try {
      await waitUntil(() => relay.svc.consumers.every((c) => c.isConnected()));
      const conn = await amqplib.connect(vhost.url);
      const ch = await conn.createChannel();
      await ch.deleteQueue('relay.login.succeeded');
      await conn.close();
      await waitUntil(
        async () => {
          const c = await amqplib.connect(vhost.url);
          c.on('error', () => undefined);
          try {
            const probe = await c.createChannel();
            probe.on('error', () => undefined);
            return (await probe.checkQueue('relay.login.succeeded')).consumerCount === 1;
          } catch {
            return false;
          } finally {
            await c.close().catch(() => undefined);
          }
        },
        20000,
        'queue declared again and consumed',
      );
      const e = login('pc');
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      await waitUntil(() => relay.handled.includes(e.id), 20000, 'handled after re-declare');
    } finally {
      await relay.svc.stop();
    }
  });

  const readyz = async (port: number) => {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
  };

  test('when the work queue exists with other arguments, then /readyz fails naming it and what differs, messages still flow, and it is ready again once the queue is replaced', async () => {
    const conn = await amqplib.connect(vhost.url);
    const ch = await conn.createChannel();
    // The arguments an older version declared: dead-lettering through the default exchange.
    await ch.assertQueue('relay.login.succeeded', {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'relay.login.succeeded.dead-letter',
      },
    });
    await conn.close();
    const relay = await startRelay(testEnv({ AMQP_URL: vhost.url, RELAY_SOURCE: 'relay' }));
    try {
      await waitUntil(() => relay.svc.consumers.every((c) => c.isConnected()), 20000, 'consuming');
      const e = login('pc');
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      await waitUntil(() => relay.handled.includes(e.id), 20000, 'handled');
      const before = await readyz(relay.svc.port);
      expect(before.status).toBe(503);
      expect(before.checks.queues).toMatch(
        /^queue relay\.login\.succeeded exists with other arguments \(argument x-dead-letter-exchange: received 'relay\.retry' but current is ''\); drain and delete it$/,
      );
      expect(before.checks.broker).toBe('ok');

      const admin = await amqplib.connect(vhost.url);
      await (await admin.createChannel()).deleteQueue('relay.login.succeeded');
      await admin.close();
      await waitUntil(async () => (await readyz(relay.svc.port)).status === 200, 20000, 'ready again');
      const after = login('pc', 1);
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, after);
      await waitUntil(() => relay.handled.includes(after.id), 20000, 'handled on the new queue');
    } finally {
      await relay.svc.stop();
    }
  });

  test('when a delay queue of an older version exists, then /readyz names it, and a failing message is still retried through it and handled', async () => {
    const conn = await amqplib.connect(vhost.url);
    const ch = await conn.createChannel();
    await ch.assertQueue('relay.login.succeeded.retry.200ms', {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': 200,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'relay.login.succeeded',
      },
    });
    await conn.close();
    const relay = await startRelay(testEnv({ AMQP_URL: vhost.url, RELAY_SOURCE: 'relay' }));
    try {
      await waitUntil(() => relay.svc.consumers.every((c) => c.isConnected()), 20000, 'consuming');
      const { status, checks } = await readyz(relay.svc.port);
      expect(status).toBe(503);
      expect(checks.queues).toMatch(
        /^queue relay\.login\.succeeded\.retry\.200ms exists with other arguments/,
      );
      const e = login('flaky');
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      await waitUntil(() => relay.handled.includes(e.id), 20000, 'handled after the retry');
    } finally {
      await relay.svc.stop();
    }
  });

  test('when SIGTERM arrives during a slow handler, then it finishes, its message is acked, and nothing is redelivered after restart', async () => {
    const env = {
      ...process.env,
      ...testEnv({ AMQP_URL: vhost.url, SLOW_MS: '2500', LOG_LEVEL: 'info', RELAY_SOURCE: 'relay' }),
    };
    // Declare the topology first so the event is not published before the queue exists.
    const first = await startRelay(testEnv({ AMQP_URL: vhost.url, RELAY_SOURCE: 'relay' }));
    await waitUntil(() => first.svc.consumers.every((c) => c.isConnected()));
    await first.svc.stop();

    const out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: 'login.geo-resolved' },
    ]);
    const child = spawn(TSX, [FIXTURE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    try {
      await waitUntil(() => logs.includes('"msg":"consuming"'), 20000, 'child consuming');
      const e = login('slow');
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      await new Promise((r) => setTimeout(r, 600)); // the handler is now sleeping
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(logs).toContain('"msg":"relayed"');
      await out.waitFor('login.geo-resolved', 1, 5000);

      expect(await queueDepth(vhost.url, 'relay.login.succeeded')).toBe(0);
      const again = await startRelay(testEnv({ AMQP_URL: vhost.url, RELAY_SOURCE: 'relay' }));
      await waitUntil(() => again.svc.consumers.every((c) => c.isConnected()));
      // A redelivered copy would be ahead of later logins in the queue (see barrier.ts).
      const sentinels = new Set<string>();
      await barrier.afterQueue({
        vhost,
        queue: { name: RELAY_QUEUE.name, inFlight: inFlightAt([again.svc], RELAY_QUEUE.name) },
        sentinel: () => {
          const s = login('pc', 100 + sentinels.size);
          sentinels.add(s.id);
          return {
            send: () => publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, s),
            seen: () => again.handled.includes(s.id),
          };
        },
      });
      expect(again.handled.filter((id) => !sentinels.has(id))).toEqual([]);
      await again.svc.stop();
    } finally {
      child.kill('SIGKILL');
      await out.close();
    }
  });

  test('when a required setting is missing or malformed, then start-up stops with one line naming it', async () => {
    const run = async (extra: Record<string, string>) => {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...extra };
      const child = spawn(TSX, [FIXTURE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const [code] = await once(child, 'exit');
      return { code, lines: stderr.trim().split('\n') };
    };
    const missing = await run({});
    expect(missing.code).toBe(1);
    expect(missing.lines).toEqual(['relay: configuration error: RELAY_SOURCE is required but not set']);
    const malformed = await run({ RELAY_SOURCE: 'x', PREFETCH: 'lots' });
    expect(malformed.code).toBe(1);
    expect(malformed.lines).toHaveLength(1);
    expect(malformed.lines[0]).toMatch(/^relay: configuration error: PREFETCH is invalid/);
  });
});

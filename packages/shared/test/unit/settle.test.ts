import type { Channel, ConsumeMessage } from 'amqplib';
import { PermanentError, TransientError, createLogger } from '../../src';
import { AckWindow } from '../../src/messaging/acks';
import { Delivery, Settler } from '../../src/messaging/consumer/settle';

const log = createLogger('settle-test', 'silent');

function delivery(tag = 1, headers: Record<string, unknown> = {}, userId?: string) {
  const acked: { tag: number; allUpTo?: boolean }[] = [];
  const channel = {
    ack: (m: { fields: { deliveryTag: number } }, allUpTo?: boolean) =>
      acked.push({ tag: m.fields.deliveryTag, allUpTo }),
  };
  const acks = new AckWindow(channel, 10);
  acks.delivered(tag);
  const msg = {
    content: Buffer.from('{}'),
    fields: { deliveryTag: tag },
    properties: { headers, messageId: `m-${tag}`, userId },
  } as unknown as ConsumeMessage;
  const d: Delivery = { msg, channel: channel as unknown as Channel, acks, started: Date.now() };
  return { d, acked, acks };
}

function settler(
  publish: (target: string, headers: Record<string, unknown>, exchange: string) => Promise<void>,
) {
  const givenBack: string[] = [];
  const s = new Settler({
    queue: 'svc.q',
    log,
    retryDelaysMs: [100, 200],
    exchange: 'svc.retry',
    userId: 'svc',
    publishRaw: (exchange, routingKey, _body, props) => publish(routingKey, props.headers ?? {}, exchange),
    giveBack: (_d, why) => givenBack.push(why),
    copyAttempts: 3,
    copyPauseMs: 5,
  });
  return { s, givenBack };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

describe('settling a delivery on its arrival channel', () => {
  test('when the retry copy is never confirmed, then the message is not acked, the copy is tried a bounded number of times and the delivery is given back', async () => {
    let tries = 0;
    const { s, givenBack } = settler(async () => {
      tries++;
      throw new Error('publish not confirmed');
    });
    const { d, acked } = delivery();
    await s.settle(d, new TransientError('db down'));
    await tick();
    expect(tries).toBe(3);
    expect(givenBack).toEqual(['could not move a message of svc.q to svc.q.retry.100ms']);
    expect(acked).toEqual([]);
  });

  test('when the copy is confirmed on the second try, then the original is acked once and not given back', async () => {
    const targets: string[] = [];
    const { s, givenBack } = settler(async (target, headers) => {
      targets.push(`${target} attempt=${headers['x-attempt']}`);
      if (targets.length === 1) throw new Error('publish not confirmed');
    });
    const { d, acked } = delivery(1, { 'x-attempt': 2 });
    await s.settle(d, new TransientError('db down'));
    await tick();
    expect(targets).toEqual(['svc.q.retry.200ms attempt=3', 'svc.q.retry.200ms attempt=3']);
    expect(givenBack).toEqual([]);
    expect(acked).toEqual([{ tag: 1, allUpTo: true }]);
  });

  test('when the channel closes while the copy is retried, then nothing is acked or given back: the broker redelivers', async () => {
    const { d, acked, acks } = delivery();
    const { s, givenBack } = settler(async () => {
      acks.close();
      throw new Error('connection closed');
    });
    await s.settle(d, new PermanentError('bad', 'rejected'));
    await tick();
    expect(givenBack).toEqual([]);
    expect(acked).toEqual([]);
  });

  test('when a permanent failure is copied to the dead-letter queue, then the headers name the reason and the original is acked', async () => {
    const seen: Record<string, unknown>[] = [];
    const { s } = settler(async (target, headers) => {
      seen.push({ target, ...headers });
    });
    const { d, acked } = delivery(1, { 'x-death': [{}], keep: 'me' });
    await s.settle(d, new PermanentError('no such account', 'unknown_account'));
    await tick();
    expect(seen).toEqual([
      expect.objectContaining({
        target: 'svc.q.dead-letter',
        keep: 'me',
        'x-dead-letter-reason': 'unknown_account',
        'x-error': 'PermanentError: no such account',
        'x-attempt': 1,
        'x-original-queue': 'svc.q',
      }),
    ]);
    expect(seen[0]).not.toHaveProperty('x-death');
    expect(acked).toEqual([{ tag: 1, allUpTo: true }]);
  });

  test("when a copy is made, then it goes through the service's own exchange and names the original publisher", async () => {
    const seen: Record<string, unknown>[] = [];
    const { s } = settler(async (target, headers, exchange) => {
      seen.push({ exchange, target, original: headers['x-original-user-id'] });
    });
    // A header set by another publisher is not believed: only the service's own copies carry it.
    const { d } = delivery(1, { 'x-original-user-id': 'login-history' }, 'game-server');
    await s.settle(d, new TransientError('db down'));
    const back = delivery(2, { 'x-original-user-id': 'login-history', 'x-attempt': 2 }, 'svc');
    await s.settle(back.d, new TransientError('db down'));
    const anonymous = delivery(3, {});
    await s.settle(anonymous.d, new PermanentError('bad', 'rejected'));
    expect(seen).toEqual([
      { exchange: 'svc.retry', target: 'svc.q.retry.100ms', original: 'game-server' },
      { exchange: 'svc.retry', target: 'svc.q.retry.200ms', original: 'login-history' },
      { exchange: 'svc.retry', target: 'svc.q.dead-letter', original: '' },
    ]);
  });
});

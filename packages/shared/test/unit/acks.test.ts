import { AckWindow } from '../../src/messaging/acks';

/** Records what would go on the wire: the channel is amqplib's, the window is ours. */
function recordingChannel() {
  const sent: string[] = [];
  return {
    sent,
    ack: (m: { fields: { deliveryTag: number } }, allUpTo?: boolean) =>
      sent.push(`${allUpTo ? 'upto' : 'one'}:${m.fields.deliveryTag}`),
  };
}
const nextTurn = () => new Promise((r) => setImmediate(r));

describe('ack window', () => {
  test('deliveries settled in one turn go out as one multiple-ack', async () => {
    const ch = recordingChannel();
    const w = new AckWindow(ch);
    for (let t = 1; t <= 5; t++) w.delivered(t);
    for (let t = 1; t <= 5; t++) w.ack(t);
    expect(ch.sent).toEqual([]);
    await nextTurn();
    expect(ch.sent).toEqual(['upto:5']);
  });

  test('a multiple-ack never passes a delivery still being handled', async () => {
    const ch = recordingChannel();
    const w = new AckWindow(ch, 10_000);
    for (let t = 1; t <= 6; t++) w.delivered(t);
    [1, 2, 4, 5].forEach((t) => w.ack(t));
    await nextTurn();
    expect(ch.sent).toEqual(['upto:2']);
    expect(w.pending).toBe(2);
    w.ack(3);
    await nextTurn();
    expect(ch.sent).toEqual(['upto:2', 'upto:5']);
    w.ack(6);
    await nextTurn();
    expect(ch.sent).toEqual(['upto:2', 'upto:5', 'upto:6']);
  });

  test('acks held behind a slow delivery are sent one by one after the hold, and the slow one alone later', async () => {
    const ch = recordingChannel();
    const w = new AckWindow(ch, 20);
    for (let t = 1; t <= 4; t++) w.delivered(t);
    [2, 4].forEach((t) => w.ack(t));
    await nextTurn();
    expect(ch.sent).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(ch.sent).toEqual(['one:2', 'one:4']);
    w.ack(1);
    await nextTurn();
    // 1 acked up to itself; 2 went out already, so the next multiple-ack may pass it.
    expect(ch.sent).toEqual(['one:2', 'one:4', 'upto:1']);
    w.ack(3);
    await nextTurn();
    expect(ch.sent).toEqual(['one:2', 'one:4', 'upto:1', 'upto:3']);
    expect(w.pending).toBe(0);
  });

  test('a delivery nacked elsewhere lets the multiple-ack pass it', async () => {
    const ch = recordingChannel();
    const w = new AckWindow(ch, 10_000);
    for (let t = 1; t <= 3; t++) w.delivered(t);
    w.ack(1);
    w.ack(3);
    await nextTurn();
    expect(ch.sent).toEqual(['upto:1']);
    w.settledElsewhere(2);
    expect(ch.sent).toEqual(['upto:1', 'upto:3']);
  });

  test('drain sends everything settled at once; a closed window sends nothing', async () => {
    const ch = recordingChannel();
    const w = new AckWindow(ch, 10_000);
    for (let t = 1; t <= 4; t++) w.delivered(t);
    [1, 3, 4].forEach((t) => w.ack(t));
    w.drain();
    expect(ch.sent).toEqual(['upto:1', 'one:3', 'one:4']);
    w.close();
    w.ack(2);
    await nextTurn();
    expect(ch.sent).toHaveLength(3);
  });

  test('a channel that throws on ack closes the window and reports it once', async () => {
    const errors: unknown[] = [];
    const w = new AckWindow(
      {
        ack: () => {
          throw new Error('Channel closed');
        },
      },
      10,
      (e) => errors.push(e),
    );
    w.delivered(1);
    w.delivered(2);
    w.ack(1);
    await nextTurn();
    w.ack(2);
    await nextTurn();
    expect(errors).toHaveLength(1);
  });

  test('held acks released onto a channel that throws stop at the first failure', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const w = new AckWindow(
      {
        ack: () => {
          calls++;
          throw new Error('Channel closed');
        },
      },
      5,
      (e) => errors.push(e),
    );
    for (let t = 1; t <= 4; t++) w.delivered(t);
    [2, 3, 4].forEach((t) => w.ack(t));
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
  });
});

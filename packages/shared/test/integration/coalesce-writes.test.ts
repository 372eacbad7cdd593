import amqplib from 'amqplib';
import { coalesceSocketWrites } from '../../src/messaging/coalesce-writes';
import { TestVhost, createTestVhost, waitUntil } from '../../src/testing';

interface CountedSocket {
  _write: (...args: unknown[]) => void;
  _writev: (chunks: unknown[], cb: unknown) => void;
}

describe('coalesceSocketWrites', () => {
  let vhost: TestVhost;
  let conn: amqplib.ChannelModel | undefined;
  beforeAll(async () => {
    vhost = await createTestVhost('coalesce');
  });
  afterAll(async () => {
    await conn?.close().catch(() => undefined);
    await vhost?.delete();
  });

  it('sends a burst of publishes in a few writes, every message arriving once and in order', async () => {
    expect(coalesceSocketWrites()).toBe(true);
    conn = await amqplib.connect(vhost.url, { noDelay: true });
    const ch = await conn.createConfirmChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true });

    // Count what the muxer hands the socket: one call per frame, or one per corked pass.
    const socket = (conn.connection as unknown as { stream: CountedSocket }).stream;
    const counts = { write: 0, writev: 0, chunks: 0 };
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (...args) => {
      counts.write++;
      counts.chunks++;
      write(...args);
    };
    socket._writev = (chunks, cb) => {
      counts.writev++;
      counts.chunks += chunks.length;
      writev(chunks, cb);
    };

    const N = 50;
    for (let i = 0; i < N; i++) ch.sendToQueue(queue, Buffer.from(String(i)));
    await ch.waitForConfirms();
    socket._write = write;
    socket._writev = writev;

    // Unpatched, amqplib writes each of the 50 frames on its own (50 `_write`s).
    expect(counts.chunks).toBeGreaterThanOrEqual(N);
    expect(counts.write + counts.writev).toBeLessThanOrEqual(5);

    const got: string[] = [];
    await ch.consume(queue, (m) => m && got.push(m.content.toString()), { noAck: true });
    await waitUntil(() => got.length >= N);
    expect(got).toEqual(Array.from({ length: N }, (_, i) => String(i)));
  });
});

/**
 * One hop of the benchmark's baseline: a raw amqplib relay with no business logic. Consumes
 * FROM_QUEUE with manual acks and PREFETCH, republishes each message to the exchange under
 * TO_KEY on a confirm channel, and acks the original once the broker confirmed the copy —
 * the same delivery guarantees as the services, without their work. With no TO_KEY it only acks.
 */
import amqplib from 'amqplib';

async function main() {
  const url = process.env.AMQP_URL!;
  const from = process.env.FROM_QUEUE!;
  const toKey = process.env.TO_KEY;
  const exchange = process.env.EXCHANGE!;
  const prefetch = Number(process.env.PREFETCH ?? 200);
  const conn = await amqplib.connect(url, { noDelay: true });
  const consume = await conn.createChannel();
  const publish = await conn.createConfirmChannel();
  await consume.prefetch(prefetch);
  await consume.consume(
    from,
    (m) => {
      if (!m) return;
      if (!toKey) return consume.ack(m);
      publish.publish(exchange, toKey, m.content, { ...m.properties, persistent: true }, (err) => {
        if (err) consume.nack(m, false, true);
        else consume.ack(m);
      });
    },
    { noAck: false },
  );
  process.send?.('ready');
  const stop = async () => {
    await conn.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(`relay: ${(err as Error).message}`);
  process.exit(1);
});

/**
 * A three-node RabbitMQ cluster on this machine (the one the chaos test's cluster scenario runs),
 * kept up until Ctrl-C, for trying the services against several brokers by hand:
 *   node --import tsx scripts/cluster.ts [--base-port 5801]
 * It prints the multi-host AMQP_URL of a fresh vhost on it. The machine's own broker on 5672 is
 * not touched; everything the cluster wrote is removed when this stops.
 */
import { parseArgs } from 'node:util';
import { startCluster } from '../test/chaos/cluster';

async function main() {
  const { values } = parseArgs({ options: { 'base-port': { type: 'string' } } });
  const basePort = values['base-port'] ? Number(values['base-port']) : undefined;
  const t0 = Date.now();
  const cluster = await startCluster({ basePort });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping the cluster…');
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const vhost = await cluster.createVhost('cluster_cli');
    console.log(`cluster up in ${Date.now() - t0} ms (data under ${cluster.dir})`);
    for (const n of cluster.nodes) console.log(`  ${n.name}  amqp 127.0.0.1:${n.port}  dist ${n.distPort}`);
    console.log(`\nAMQP_URL=${vhost.url}\n\nCtrl-C stops the cluster and removes its files.`);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  // The nodes' processes are unref'd (they must not hold a test process open): hold this one.
  setInterval(() => undefined, 1 << 30);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

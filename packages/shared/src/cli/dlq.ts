/**
 * Dead-letter queue tool: `pnpm dlq <list|show|replay|purge|count> <queue> [options]`.
 * <queue> is a work queue (ip-checker.login.succeeded) or its dead-letter queue.
 */
import { parseArgs } from 'node:util';
import {
  countDeadLetters,
  listDeadLetters,
  purgeDeadLetters,
  replayDeadLetters,
} from '../messaging/dead-letters';

const USAGE = `usage: pnpm dlq <command> <queue> [--url amqp://…] [--limit N] [--id MESSAGE_ID …] [--json]
  list    show the reason and a summary of each dead letter (they stay in the queue)
  show    print dead letters in full (with --id, only those)
  replay  move dead letters back to the work queue (all, or --id …), with a fresh attempt count
  purge   delete every dead letter of that queue
  count   print how many dead letters there are
The broker URL comes from --url, else AMQP_URL, else amqp://guest:guest@127.0.0.1:5672.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      limit: { type: 'string' },
      id: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, queue] = positionals;
  if (values.help || !command || !queue) {
    process.stdout.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const url = values.url ?? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const limit = values.limit ? Number(values.limit) : undefined;
  switch (command) {
    case 'list':
    case 'show': {
      let letters = await listDeadLetters(url, queue, limit ?? 100, command === 'show' ? 1_000_000 : 200);
      if (values.id) letters = letters.filter((l) => values.id!.includes(l.messageId ?? ''));
      if (values.json || command === 'show') {
        process.stdout.write(JSON.stringify(letters, null, 2) + '\n');
      } else {
        for (const l of letters) {
          process.stdout.write(
            `${l.failedAt ?? '-'}  ${l.messageId ?? '(no id)'}  ${l.type ?? '-'}  ${l.reason}  ${l.error.slice(0, 160)}\n`,
          );
        }
        process.stdout.write(`${letters.length} dead letter(s)\n`);
      }
      return 0;
    }
    case 'replay': {
      const n = await replayDeadLetters(url, queue, { ids: values.id, limit });
      process.stdout.write(`replayed ${n} message(s)\n`);
      return 0;
    }
    case 'purge':
      process.stdout.write(`purged ${await purgeDeadLetters(url, queue)} message(s)\n`);
      return 0;
    case 'count':
      process.stdout.write(`${await countDeadLetters(url, queue)}\n`);
      return 0;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`dlq: ${(err as Error).message}\n`);
    process.exit(1);
  },
);

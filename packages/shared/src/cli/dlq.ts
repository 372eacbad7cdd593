/**
 * Dead-letter queue tool: `pnpm dlq <list|show|replay|purge|count> <queue> [options]`.
 * <queue> is a work queue (ip-checker.login.succeeded) or its dead-letter queue.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config';
import { CONTROL_CHARS } from '../contracts/common';
import {
  type DeadLetter,
  countDeadLetters,
  listDeadLetters,
  purgeDeadLetters,
  replayDeadLetters,
} from '../messaging/dead-letters';
import { parseBrokerUrls } from '../messaging/urls';

const USAGE = `usage: pnpm dlq <command> <queue> [--url amqp://…] [--limit N] [--id MESSAGE_ID …] [--json]
  list    show the reason and a summary of each dead letter (they stay in the queue)
  show    print dead letters in full (with --id, only those)
  replay  move dead letters back to the work queue (all, or --id …), with a fresh attempt count
  purge   delete every dead letter of that queue
  count   print how many dead letters there are
The broker URL comes from --url, else AMQP_URL, else amqp://guest:guest@127.0.0.1:5672. For a
cluster, list its nodes separated by commas (amqp://u:p@rabbit-1/vh,amqp://u:p@rabbit-2/vh):
they are tried in order until one accepts the connection.`;

/** The brokers to try, from --url, AMQP_URL or the local default; a bad list names its source. */
export function dlqBrokerUrls(flag: string | undefined, source: NodeJS.ProcessEnv = process.env): string[] {
  const url = flag ?? (source.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672');
  try {
    return parseBrokerUrls(url);
  } catch (err) {
    throw new ConfigError(flag !== undefined ? '--url' : 'AMQP_URL', `is invalid: ${(err as Error).message}`);
  }
}

// CONTROL_CHARS tests one character; replacing needs every match.
const CONTROL_RUN = new RegExp(CONTROL_CHARS.source, 'g');
const code = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/**
 * Publisher-controlled text made safe for a terminal: a control character (an ESC that starts a
 * terminal sequence, a CR that overwrites the line, a C1 CSI) is shown as `\xHH` instead of acting.
 */
export const printable = (text: string) => text.replace(CONTROL_RUN, (c) => `\\x${code(c)}`);

/** One line per dead letter, every field printable. */
export function formatList(letters: DeadLetter[]): string {
  const lines = letters.map((l) =>
    [l.failedAt ?? '-', l.messageId ?? '(no id)', l.type ?? '-', l.reason, l.error.slice(0, 160)]
      .map(printable)
      .join('  '),
  );
  return [...lines, `${letters.length} dead letter(s)`].join('\n') + '\n';
}

/**
 * The letters as JSON. JSON.stringify escapes C0 controls but leaves U+007F–U+009F raw; those are
 * escaped too (\u009b), so the output parses to the same values and no string acts on the terminal.
 * Every newline left is the indentation's.
 */
export function formatJson(letters: DeadLetter[]): string {
  return (
    JSON.stringify(letters, null, 2).replace(CONTROL_RUN, (c) =>
      c === '\n' ? c : `\\u${code(c).padStart(4, '0')}`,
    ) + '\n'
  );
}

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
  const url = dlqBrokerUrls(values.url);
  const limit = values.limit ? Number(values.limit) : undefined;
  switch (command) {
    case 'list':
    case 'show': {
      let letters = await listDeadLetters(url, queue, limit ?? 100, command === 'show' ? 1_000_000 : 200);
      if (values.id) letters = letters.filter((l) => values.id!.includes(l.messageId ?? ''));
      process.stdout.write(values.json || command === 'show' ? formatJson(letters) : formatList(letters));
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
      process.stderr.write(`unknown command "${printable(command)}"\n${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) {
  main().then(
    (exitCode) => process.exit(exitCode),
    (err) => {
      // A broker error can quote a queue or header name back.
      process.stderr.write(`dlq: ${printable((err as Error).message)}\n`);
      process.exit(1);
    },
  );
}

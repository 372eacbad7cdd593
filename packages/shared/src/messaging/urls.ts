import amqplib from 'amqplib';
import { brokerUserOf } from './properties';

/**
 * AMQP_URL names one broker or the nodes of a RabbitMQ cluster as a comma-separated list of
 * full URLs (`amqp://u:p@rabbit-1:5672/vh,amqp://u:p@rabbit-2:5672/vh`). A comma inside a
 * URL (in a password) must be written `%2C`.
 */

/** One broker URL, a comma-separated list of them (AMQP_URL), or the list as an array. */
export type BrokerUrls = string | readonly string[];

/** An AMQP_URL that cannot be used; the message names the entry by position, never its secrets. */
export class BrokerUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUrlError';
  }
}

/** The vhost a connection to `url` opens, as amqplib reads it (none in the path: `/`). */
export function vhostOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
}

/**
 * The brokers of an AMQP_URL, in the order given. Throws a BrokerUrlError when an entry is not
 * an amqp: or amqps: URL, or when the entries name different users or vhosts: the user is what
 * the broker stamps as `user_id` (the trusted-publisher check relies on it), and brokers of one
 * cluster serve the same vhost.
 */
export function parseBrokerUrls(url: BrokerUrls): string[] {
  const entries = (typeof url === 'string' ? url.split(',') : [...url]).map((e) => e.trim());
  const where = (i: number) => (entries.length === 1 ? 'it' : `entry ${i + 1} of ${entries.length}`);
  if (entries.length === 0) throw new BrokerUrlError('names no broker');
  entries.forEach((entry, i) => {
    if (entry === '') throw new BrokerUrlError(`${where(i)} is empty`);
    let protocol: string;
    try {
      protocol = new URL(entry).protocol;
    } catch {
      throw new BrokerUrlError(
        `${where(i)} is not a URL (give each broker as a full URL: amqp://user:password@host:5672/vhost)`,
      );
    }
    if (protocol !== 'amqp:' && protocol !== 'amqps:') {
      throw new BrokerUrlError(
        `${where(i)} is not an amqp: or amqps: URL (give each broker as a full URL: amqp://user:password@host:5672/vhost)`,
      );
    }
  });
  const users = entries.map(brokerUserOf);
  const userDiffers = users.findIndex((u) => u !== users[0]);
  if (userDiffers > 0) {
    throw new BrokerUrlError(
      `entries name different users (entry 1: "${users[0]}", entry ${userDiffers + 1}: "${users[userDiffers]}"); give every broker with the same user`,
    );
  }
  const vhosts = entries.map(vhostOf);
  const vhostDiffers = vhosts.findIndex((v) => v !== vhosts[0]);
  if (vhostDiffers > 0) {
    throw new BrokerUrlError(
      `entries name different vhosts (entry 1: "${vhosts[0]}", entry ${vhostDiffers + 1}: "${vhosts[vhostDiffers]}"); give every broker with the same vhost`,
    );
  }
  return entries;
}

/** The broker user of an AMQP_URL (every entry names the same one). */
export const brokerUserOfUrls = (url: BrokerUrls): string => brokerUserOf(parseBrokerUrls(url)[0]!);

/** One URL with its password replaced by `***`; anything unparsable is not printed at all. */
function redactOne(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/**
 * A URL (AMQP_URL, DATABASE_URL…), or a comma-separated list of them, safe to log: every entry's password replaced. A
 * string whose pieces are not all URLs is treated as one URL (a comma may sit in a password),
 * so a secret is never printed because the split went wrong.
 */
export function redactUrl(url: string): string {
  const pieces = url.split(',').map((p) => p.trim());
  if (pieces.length > 1 && pieces.every((p) => URL.canParse(p))) return pieces.map(redactOne).join(',');
  return redactOne(url);
}

/**
 * A single connection for a tool (the dlq CLI, test helpers): the brokers are tried in the order
 * given until one accepts. With one broker its own error is thrown as it is; with several, one
 * error names each (redacted) broker and why it failed.
 */
export async function connectFirstBroker(
  url: BrokerUrls,
  socketOptions: object = { noDelay: true },
): Promise<amqplib.ChannelModel> {
  const urls = parseBrokerUrls(url);
  const failures: string[] = [];
  for (const u of urls) {
    try {
      return await amqplib.connect(u, socketOptions);
    } catch (err) {
      if (urls.length === 1) throw err;
      failures.push(`${redactOne(u)}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no broker accepted a connection (${failures.join('; ')})`);
}

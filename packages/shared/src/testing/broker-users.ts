import amqplib from 'amqplib';
import { BROKER_USERS, BrokerUser } from '../contracts';
import { applyDefinitions, loadDefinitions, passwordVariable } from '../cli/broker-setup';

/**
 * The suite's broker users (deploy/rabbitmq/definitions.json) in a test's vhost, applied the way
 * `pnpm broker:setup` applies them. Users are broker-wide, so every test file sets the same
 * test passwords and none deletes them: two files running at once never pull a user away from
 * each other. Permissions belong to the vhost and go with it.
 */
export const MANAGEMENT_URL =
  process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
const AMQP_HOST = process.env.TEST_AMQP_HOST ?? '127.0.0.1:5672';

export const testPassword = (user: string) => `test-only-${user}-7f3a`;

export async function setUpBrokerUsers(vhost: string): Promise<void> {
  const passwords = new Map(BROKER_USERS.map((u) => [u, testPassword(u)]));
  await applyDefinitions({ managementUrl: MANAGEMENT_URL, vhost, passwords, definitions: loadDefinitions() });
}

/** The env `pnpm broker:setup` reads, with the test passwords. */
export const passwordEnv = () =>
  Object.fromEntries(BROKER_USERS.map((u) => [passwordVariable(u), testPassword(u)]));

export const urlAs = (user: BrokerUser, vhost: string) =>
  `amqp://${user}:${testPassword(user)}@${AMQP_HOST}/${encodeURIComponent(vhost)}`;

/**
 * Runs `fn` on a fresh confirm channel and tells what the broker said: 'ok', or the error that
 * closed the channel (ACCESS_REFUSED, PRECONDITION_FAILED…).
 */
export async function attempt(
  url: string,
  fn: (ch: amqplib.ConfirmChannel) => Promise<unknown>,
): Promise<string> {
  const conn = await amqplib.connect(url, { noDelay: true });
  conn.on('error', () => undefined);
  try {
    const ch = await conn.createConfirmChannel();
    let closedWith: string | undefined;
    ch.on('error', (err: Error) => (closedWith = err.message));
    try {
      await fn(ch);
      await ch.waitForConfirms();
    } catch (err) {
      // The close arrives with, or just after, the failed operation.
      await new Promise((r) => setTimeout(r, 50));
      return closedWith ?? (err as Error).message;
    }
    await ch.close();
    return 'ok';
  } finally {
    await conn.close().catch(() => undefined);
  }
}

export const publishAttempt = (
  url: string,
  exchange: string,
  routingKey: string,
  props: amqplib.Options.Publish = {},
  body: object = { probe: true },
) =>
  attempt(url, async (ch) => {
    ch.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), { persistent: true, ...props });
  });

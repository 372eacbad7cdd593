/**
 * Test helpers: every test file gets its own RabbitMQ vhost and its own Postgres database, so
 * tests never share state and clean up after themselves.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import jwt from 'jsonwebtoken';
import type { Kysely } from 'kysely';
import { EXCHANGES } from '../messaging/topology';
import { type BrokerUrls, connectFirstBroker } from '../messaging/urls';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '../db';

const exec = promisify(execFile);

export const TEST_JWT_SECRET = 'test-secret-for-the-suite-tests-only-0123456789';
export const AMQP_BASE = process.env.TEST_AMQP_BASE ?? 'amqp://guest:guest@127.0.0.1:5672';
export const PG_BASE = process.env.TEST_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';

export const uniqueName = (label: string) =>
  `t_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export interface TestVhost {
  name: string;
  url: string;
  delete(): Promise<void>;
}

/** A fresh vhost (made with rabbitmqctl, which this machine's root user can run) for one test file. */
export async function createTestVhost(label: string): Promise<TestVhost> {
  const name = uniqueName(label);
  await exec('rabbitmqctl', ['-q', 'add_vhost', name]);
  await exec('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  return {
    name,
    url: `${AMQP_BASE}/${encodeURIComponent(name)}`,
    delete: async () => {
      await exec('rabbitmqctl', ['-q', 'delete_vhost', name]).catch(() => undefined);
    },
  };
}

export interface TestDatabase<DB> {
  name: string;
  url: string;
  db: Kysely<DB>;
  drop(): Promise<void>;
}

/** A uniquely named database, migrated with `migrations/<service>/`, dropped by `drop()`. */
export async function createTestDatabase<DB>(
  service: string,
  opts: { migrate?: boolean } = {},
): Promise<TestDatabase<DB>> {
  const name = uniqueName(service);
  const url = `${PG_BASE}/${name}`;
  await ensureDatabase(url);
  const db = createDb<DB>(url, { max: 5 });
  if (opts.migrate !== false) await migrateToLatest(db, service);
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.destroy();
      await dropDatabase(url);
    },
  };
}

export interface Collected {
  routingKey: string;
  exchange: string;
  properties: amqplib.MessageProperties;
  body: any;
}

/**
 * Binds a private queue to exchanges and keeps every message that arrives, for assertions. `url`
 * may list several brokers (AMQP_URL's form): the first that accepts is used.
 */
export class MessageCollector {
  readonly messages: Collected[] = [];
  private constructor(private readonly conn: amqplib.ChannelModel) {}

  static async start(
    url: BrokerUrls,
    bindings: { exchange: string; routingKey: string }[],
  ): Promise<MessageCollector> {
    const conn = await connectFirstBroker(url, { noDelay: true });
    conn.on('error', () => undefined);
    const c = new MessageCollector(conn);
    const ch = await conn.createChannel();
    for (const ex of EXCHANGES) await ch.assertExchange(ex.name, ex.type, { durable: true });
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    for (const b of bindings) await ch.bindQueue(queue, b.exchange, b.routingKey);
    await ch.consume(
      queue,
      (m) => {
        if (!m) return;
        let body: unknown;
        try {
          body = JSON.parse(m.content.toString());
        } catch {
          body = m.content.toString();
        }
        c.messages.push({
          routingKey: m.fields.routingKey,
          exchange: m.fields.exchange,
          properties: m.properties,
          body,
        });
      },
      { noAck: true },
    );
    return c;
  }

  of(routingKey: string): Collected[] {
    return this.messages.filter((m) => m.routingKey === routingKey);
  }

  async waitFor(routingKey: string, count: number, timeoutMs = 20000): Promise<Collected[]> {
    await waitUntil(() => this.of(routingKey).length >= count, timeoutMs, `${count} × ${routingKey}`);
    return this.of(routingKey);
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
  }
}

/** Polls until `cond` holds; fails with `what` after the timeout. */
export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 20000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Publishes raw bytes as a login server (or an attacker) would: persistent, confirmed. `url` may
 * list several brokers (AMQP_URL's form): the first that accepts is used.
 */
export async function publishRaw(
  url: BrokerUrls,
  exchange: string,
  routingKey: string,
  content: Buffer | string | object,
  props: amqplib.Options.Publish = {},
): Promise<void> {
  const conn = await connectFirstBroker(url, { noDelay: true });
  try {
    const ch = await conn.createConfirmChannel();
    const body = Buffer.isBuffer(content)
      ? content
      : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));
    const e =
      typeof content === 'object' && !Buffer.isBuffer(content)
        ? (content as { id?: unknown; type?: unknown; correlationid?: unknown })
        : {};
    ch.publish(exchange, routingKey, body, {
      persistent: true,
      contentType: 'application/cloudevents+json',
      ...(typeof e.id === 'string' ? { messageId: e.id } : {}),
      ...(typeof e.type === 'string' ? { type: e.type } : {}),
      ...(typeof e.correlationid === 'string' ? { correlationId: e.correlationid } : {}),
      ...props,
    });
    await ch.waitForConfirms();
  } finally {
    await conn.close();
  }
}

export function signToken(
  claims: { sub: string; roles?: string[] },
  /** `issuedSecondsAgo`: an `iat` that long ago (SPEC §8's "it was me" wants a token older than the login). */
  opts: { secret?: string; expiresIn?: number; issuedSecondsAgo?: number } = {},
): string {
  const iat =
    opts.issuedSecondsAgo !== undefined ? { iat: Math.floor(Date.now() / 1000) - opts.issuedSecondsAgo } : {};
  return jwt.sign({ roles: claims.roles ?? [], ...iat }, opts.secret ?? TEST_JWT_SECRET, {
    subject: claims.sub,
    expiresIn: opts.expiresIn ?? 3600,
    algorithm: 'HS256',
  });
}

/** Base env for starting a service in tests: its own vhost and database, fast retries, random ports. */
export function testEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    ADMIN_PORT: '0',
    // A test file drives many requests through a handful of subjects (one support token for
    // all); the per-subject limit has tests of its own that set it low.
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    RETRY_DELAYS_MS: '200,400',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    PUBLISH_TIMEOUT_MS: '10000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...extra,
  };
}
export * from './barrier';

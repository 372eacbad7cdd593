/**
 * The chaos run's instruments: a login server that keeps publishing through broker faults, and
 * an observer that counts every delivery on both exchanges through them; `observe()` gathers
 * what the ledger judges (ledger.ts), from the broker, the history table, the dead-letter
 * queues, the SMTP server and the Twilio stand-in.
 */
import { randomUUID } from 'node:crypto';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { Kysely, sql } from 'kysely';
import {
  Broker,
  COMMANDS_EXCHANGE,
  connectBroker,
  EVENTS_EXCHANGE,
  LOGIN_SUCCEEDED,
  createDb,
  createEvent,
  createLogger,
  listDeadLetters,
  parseBrokerUrls,
} from '@account-security/shared';
import type { TestSmtpServer } from '@account-security/shared/testing/smtp';
import type { TwilioStandIn } from '@account-security/shared/testing/twilio';
import type { Observation, ObservedMessage } from './ledger';
import { HOME_COUNTRY, PLACES, PlannedLogin } from './oracle';

export const WORK_QUEUES = [
  'ip-checker.login.succeeded',
  'login-history.login.geo-resolved',
  'account-guard.login.recorded',
];

/**
 * Publishes like a login server that must not lose a login: the suite's own publisher (confirms,
 * sent again after a connection loss until confirmed).
 */
export class LoginServer {
  private broker: Broker;
  constructor(url: string) {
    this.broker = connectBroker({
      url,
      name: 'chaos-login-server',
      logger: createLogger('chaos-login-server', 'silent'),
      queues: [],
      topology: { queueType: 'quorum', retryDelaysMs: [], deliveryLimit: 20 },
      publishTimeoutMs: 120_000,
    });
  }
  /** Publishes a planned login; its event id is set on it before the publish is confirmed. */
  async publish(login: PlannedLogin): Promise<string> {
    const e = createEvent({
      type: LOGIN_SUCCEEDED,
      source: 'game-login/chaos',
      subject: login.account,
      data: {
        accountId: login.account,
        sessionId: `s-${randomUUID()}`,
        ip: PLACES[login.place].ip,
        client: { platform: 'pc', version: login.tag },
        homeCountry: HOME_COUNTRY,
      },
    });
    login.id = e.id;
    await this.broker.publish(e);
    return e.id;
  }
  async publishRaw(routingKey: string, body: Buffer, messageId: string) {
    await this.broker.publishRaw(EVENTS_EXCHANGE, routingKey, body, {
      messageId,
      contentType: 'application/cloudevents+json',
    });
  }
  async close() {
    await this.broker.close();
  }
}

/**
 * Counts every delivery on both exchanges through broker faults (durable quorum queue, manual
 * acks). A redelivery of a message it has already counted is its own (the ack was lost with the
 * connection), not the suite's, and is left out; a redelivered message it has not seen counts.
 */
export class Observer {
  private conn: AmqpConnectionManager;
  private ch: ChannelWrapper;
  private seen = new Set<string>();
  readonly messages: ObservedMessage[] = [];
  /** Deliveries of non-JSON bodies (none expected: hostile input never leaves its queue). */
  unreadable = 0;
  ownRedeliveries = 0;
  constructor(url: string) {
    this.conn = amqp.connect(parseBrokerUrls(url), {
      reconnectTimeInSeconds: 0.5,
      heartbeatIntervalInSeconds: 5,
      connectionOptions: { noDelay: true },
    });
    this.ch = this.conn.createChannel({
      confirm: false,
      setup: async (c: ConfirmChannel) => {
        await c.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
        await c.assertExchange(COMMANDS_EXCHANGE, 'topic', { durable: true });
        await c.assertQueue('chaos.observer', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        await c.bindQueue('chaos.observer', EVENTS_EXCHANGE, '#');
        await c.bindQueue('chaos.observer', COMMANDS_EXCHANGE, '#');
        await c.prefetch(500);
        await c.consume('chaos.observer', (m) => {
          if (!m) return;
          // The test's own hostile input reaches this queue too; it is judged in dead-letter queues.
          if (String(m.properties.messageId ?? '').startsWith('hostile-')) {
            c.ack(m);
            return;
          }
          try {
            const e = JSON.parse(m.content.toString());
            const key = `${m.fields.routingKey} ${e.id}`;
            if (m.fields.redelivered && this.seen.has(key)) this.ownRedeliveries++;
            else {
              this.seen.add(key);
              this.messages.push({
                routingKey: m.fields.routingKey,
                id: String(e.id),
                correlationId: String(e.correlationid ?? e.id),
                data: e.data,
              });
            }
          } catch {
            this.unreadable++;
          }
          c.ack(m);
        });
      },
    });
  }
  ready() {
    return this.ch.waitForConnect();
  }
  /** Distinct messages of `routingKey` for the login `correlationId` seen so far. */
  count(routingKey: string, correlationId: string): number {
    return new Set(
      this.messages
        .filter((m) => m.routingKey === routingKey && m.correlationId === correlationId)
        .map((m) => m.id),
    ).size;
  }
  async close() {
    await this.ch.close();
    await this.conn.close();
  }
}

export class Collector {
  private lh: Kysely<any>;
  constructor(
    private readonly vhostUrl: string,
    historyDbUrl: string,
    private readonly observer: Observer,
    private readonly smtp: TestSmtpServer,
    private readonly twilio: TwilioStandIn,
  ) {
    this.lh = createDb(historyDbUrl, { max: 2 });
  }

  /** Rows of the history table per client.version (each login's unique tag). */
  async historyRows(): Promise<Map<string, number>> {
    const { rows } = await sql<{ tag: string; n: number }>`
      select client_version as tag, count(*)::int as n from logins group by client_version`.execute(this.lh);
    return new Map(rows.map((r) => [r.tag, r.n]));
  }

  async deadLettered(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const q of WORK_QUEUES) {
      for (const l of await listDeadLetters(this.vhostUrl, q, 10_000)) {
        const owner = l.correlationId ?? l.messageId;
        if (owner) out.set(owner, `${q}: ${l.reason}`);
      }
    }
    return out;
  }

  /** What the ledger judges; throws when a source cannot be read (the caller retries). */
  async observe(): Promise<Observation> {
    return {
      messages: [...this.observer.messages],
      historyRows: await this.historyRows(),
      deadLettered: await this.deadLettered(),
      emails: this.smtp.messages.map((m) => ({ messageId: m.messageId, to: m.to })),
      sms: this.twilio.requests.map((r) => ({ to: r.form.To ?? '', body: r.form.Body ?? '' })),
    };
  }

  async close() {
    await this.lh.destroy();
  }
}

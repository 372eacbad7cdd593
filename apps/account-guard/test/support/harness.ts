import type { RunningService } from '@account-security/shared';
import { COMMANDS_EXCHANGE, EVENTS_EXCHANGE, LOGIN_RECORDED } from '@account-security/shared';
import jwt from 'jsonwebtoken';
import {
  MessageCollector,
  TEST_JWT_SECRET,
  TestDatabase,
  TestVhost,
  createTestDatabase,
  createTestVhost,
  publishRaw,
  signToken,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import request from 'supertest';
import type { DB } from '../../src/data-access/db';
import { start } from '../../src/main';
import type { Channel, Policy } from '../../src/domain/types';
import type { LoginRecordedEvent } from './events';
import { TestSmtpServer, freeSmtpPort } from '@account-security/shared/testing/smtp';
import { TwilioStandIn } from '@account-security/shared/testing/twilio';

export const PUBLIC_URL = 'http://guard.example.test';
export const TWILIO_SID = 'AC' + 'a1'.repeat(16);
export const TWILIO_TOKEN = 'stand-in-auth-token';
export const TWILIO_FROM = '+15005550006';
export const SUPPORT = signToken({ sub: 'staff-7', roles: ['support'] });
export const SERVICE = signToken({ sub: 'login-server-kr-1', roles: ['service'] });
export const playerToken = (accountId: string) => signToken({ sub: accountId });

/**
 * A token issued `ageSeconds` ago (still unexpired), optionally with `auth_time` and an email
 * its issuer vouches for: what step-up and the verified-email rule look at.
 */
export function agedToken(
  sub: string,
  ageSeconds: number,
  more: { roles?: string[]; authAgeSeconds?: number; verifiedEmail?: string } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    {
      sub,
      roles: more.roles ?? [],
      iat: now - ageSeconds,
      exp: now + 3600,
      ...(more.authAgeSeconds !== undefined ? { auth_time: now - more.authAgeSeconds } : {}),
      ...(more.verifiedEmail ? { email: more.verifiedEmail, email_verified: true } : {}),
    },
    TEST_JWT_SECRET,
    { algorithm: 'HS256' },
  );
}

export interface HarnessOptions {
  /** 'later': SMTP_URL points at a port where the server is started only by `startSmtp()`. */
  smtp?: 'now' | 'later';
  env?: Record<string, string>;
}

/**
 * One account-guard on its own vhost and database, with a real SMTP server, a Twilio stand-in,
 * and a collector bound to every event and command.
 */
export class Harness {
  smtp: TestSmtpServer | undefined;
  /** Settings changes made by `protect()`: their in-game notices are not a login's. */
  private readonly changeIds = new Set<string>();
  private constructor(
    readonly vhost: TestVhost,
    readonly db: TestDatabase<DB>,
    readonly twilio: TwilioStandIn,
    readonly out: MessageCollector,
    readonly svc: RunningService,
    readonly smtpPort: number,
    readonly env: NodeJS.ProcessEnv,
    smtp: TestSmtpServer | undefined,
    private readonly extra: RunningService[] = [],
  ) {
    this.smtp = smtp;
  }

  static async start(label: string, opts: HarnessOptions = {}): Promise<Harness> {
    const vhost = await createTestVhost(label);
    const db = await createTestDatabase<DB>('account-guard');
    const twilio = await TwilioStandIn.start();
    const smtp = opts.smtp === 'later' ? undefined : await TestSmtpServer.start();
    const smtpPort = smtp ? smtp.port : await freeSmtpPort();
    const env = testEnv({
      AMQP_URL: vhost.url,
      DATABASE_URL: db.url,
      PUBLIC_URL,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'Account Guard <guard@example.test>',
      SMTP_TIMEOUT_MS: '2000',
      TWILIO_ACCOUNT_SID: TWILIO_SID,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_FROM,
      // The service's own Twilio client (configured as in production), sent to the stand-in.
      TWILIO_API_URL: twilio.baseUrl,
      NOTIFY_RETRY_MS: '100',
      NOTIFY_RETRY_MAX_MS: '400',
      ...opts.env,
    });
    const svc = await start(env);
    await svc.broker.waitForReady();
    const out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: '#' },
      { exchange: COMMANDS_EXCHANGE, routingKey: '#' },
    ]);
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()));
    return new Harness(vhost, db, twilio, out, svc, smtpPort, env, smtp);
  }

  /** Another replica of the service on the same broker vhost and database. */
  async startReplica(): Promise<RunningService> {
    const replica = await start(this.env);
    await replica.broker.waitForReady();
    await waitUntil(() => replica.consumers.every((c) => c.isConnected()));
    this.extra.push(replica);
    return replica;
  }

  async startSmtp(): Promise<TestSmtpServer> {
    this.smtp = await TestSmtpServer.start(this.smtpPort);
    return this.smtp;
  }

  get http() {
    return request(`http://127.0.0.1:${this.svc.port}`);
  }

  async publish(event: LoginRecordedEvent): Promise<void> {
    await publishRaw(this.vhost.url, EVENTS_EXCHANGE, LOGIN_RECORDED, event);
  }

  /** Sets an account's protection through the API, as the player would. */
  async protect(
    accountId: string,
    policy: Policy,
    more: {
      channels?: Channel[];
      email?: string | null;
      phone?: string | null;
      trustedCountries?: string[];
      travelPasses?: { country: string; from: string; until: string }[];
      locale?: 'en' | 'ko';
    } = {},
  ): Promise<void> {
    const channels = more.channels ?? ['email', 'sms', 'in_game'];
    const res = await this.http
      .put(`/v1/accounts/${encodeURIComponent(accountId)}/protection`)
      .set('Authorization', `Bearer ${playerToken(accountId)}`)
      .send({
        policy,
        channels,
        email:
          more.email === undefined
            ? channels.includes('email')
              ? `${accountId}@players.example.test`
              : null
            : more.email,
        phone:
          more.phone === undefined ? (channels.includes('sms') ? phoneFor(accountId) : null) : more.phone,
        trustedCountries: more.trustedCountries ?? [],
        ...(more.travelPasses ? { travelPasses: more.travelPasses } : {}),
        locale: more.locale ?? 'en',
      });
    if (res.status !== 200) throw new Error(`PUT protection → ${res.status} ${JSON.stringify(res.body)}`);
    for (const a of await this.audit(accountId)) {
      const changeId = (a.details as { changeId?: string }).changeId;
      if (changeId) this.changeIds.add(changeId);
    }
  }

  /**
   * Messages of one routing key about one account that follow its logins (the in-game notices
   * of settings changes made by `protect()` are left out; `changeNotices` has them).
   */
  about(routingKey: string, accountId: string) {
    return this.out
      .of(routingKey)
      .filter((m) => m.body?.data?.accountId === accountId && !this.changeIds.has(m.body?.correlationid));
  }

  /** In-game notices of settings changes (their correlation id is the change's id). */
  changeNotices(changeId: string) {
    return this.out.of('player.message').filter((m) => m.body?.correlationid === changeId);
  }

  async waitAbout(routingKey: string, accountId: string, count = 1, timeoutMs = 20000) {
    await waitUntil(
      () => this.about(routingKey, accountId).length >= count,
      timeoutMs,
      `${count} × ${routingKey} for ${accountId}`,
    );
    return this.about(routingKey, accountId);
  }

  async assessed(loginId: string, timeoutMs = 20000) {
    let found: any;
    await waitUntil(
      () =>
        (found = this.out.of('login.assessed').find((m) => m.body.data.loginEventId === loginId)) !==
        undefined,
      timeoutMs,
      `login.assessed for ${loginId}`,
    );
    return found.body;
  }

  /** Waits until no action is pending any more (the outbox worker has nothing left to do). */
  async settled(timeoutMs = 20000): Promise<void> {
    await waitUntil(
      async () => {
        const r = await this.db.db
          .selectFrom('login_action')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow();
        return Number(r.n) === 0;
      },
      timeoutMs,
      'no pending actions',
    );
  }

  async audit(accountId: string) {
    return this.db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
  }

  /** The audit trail without the notices of settings changes (those follow no login). */
  async loginAudit(accountId: string) {
    return (await this.audit(accountId)).filter(
      (a) => !(a.action.startsWith('notification_') && a.login_id === null),
    );
  }

  async stop(): Promise<void> {
    await this.out?.close();
    for (const s of this.extra) await s.stop();
    await this.svc?.stop();
    await this.smtp?.stop();
    await this.twilio?.stop();
    await this.db?.drop();
    await this.vhost?.delete();
  }
}

export function phoneFor(accountId: string): string {
  let n = 0;
  for (const ch of accountId) n = (n * 31 + ch.charCodeAt(0)) % 100_000_000;
  return `+8210${String(n).padStart(8, '0')}`;
}

import { randomUUID } from 'node:crypto';
import {
  EVENTS_EXCHANGE,
  EventOf,
  LOGIN_ASSESSED,
  LOGIN_FAILED_GEO_RESOLVED,
  LOGIN_GEO_RESOLVED,
  LOGIN_RECORDED,
  LOGIN_REPORTED,
  RunningService,
  createEvent,
  followUpId,
} from '@account-security/shared';
import {
  MessageCollector,
  TestDatabase,
  TestVhost,
  createTestDatabase,
  createTestVhost,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import { start } from '../../src/main';
import type { DepsOverrides } from '../../src/deps';
import type { DB } from '../../src/data-access/tables';

export type GeoResolvedEvent = EventOf<typeof LOGIN_GEO_RESOLVED>;
export type FailedGeoResolvedEvent = EventOf<typeof LOGIN_FAILED_GEO_RESOLVED>;

/** A `login.failed.geo-resolved` as ip-checker publishes it for a failed login. */
export function failedGeoResolved(opts: {
  accountId: string;
  time: Date;
  ip: string;
  country?: string | null;
  reason?: 'bad_password' | 'unknown_account' | 'second_factor_failed' | 'other';
  loginId?: string;
}): FailedGeoResolvedEvent {
  const loginId = opts.loginId ?? randomUUID();
  const country = opts.country === undefined ? 'KR' : opts.country;
  return createEvent({
    type: LOGIN_FAILED_GEO_RESOLVED,
    source: 'ip-checker',
    subject: opts.accountId,
    id: followUpId(loginId, LOGIN_FAILED_GEO_RESOLVED),
    correlationid: loginId,
    time: opts.time.toISOString(),
    data: {
      accountId: opts.accountId,
      ip: opts.ip,
      client: { platform: 'pc', version: '1.4.2' },
      reason: opts.reason ?? 'bad_password',
      geo:
        country === null
          ? { country: null, reason: 'private', database: 'test-db 2026-11-01' }
          : { country, database: 'test-db 2026-11-01' },
    },
  });
}

/** A `login.geo-resolved` as ip-checker publishes it for a login; the login time is its `time`. */
export function geoResolved(opts: {
  accountId: string;
  country: string | null;
  time: Date;
  ip?: string;
  loginId?: string;
  platform?: string;
  /** null: no device id; default 'device-secret-1'. */
  deviceId?: string | null;
  asn?: number;
  location?: { latitude: number; longitude: number };
}): GeoResolvedEvent {
  const loginId = opts.loginId ?? randomUUID();
  return createEvent({
    type: LOGIN_GEO_RESOLVED,
    source: 'ip-checker',
    subject: opts.accountId,
    id: followUpId(loginId, LOGIN_GEO_RESOLVED),
    correlationid: loginId,
    time: opts.time.toISOString(),
    data: {
      accountId: opts.accountId,
      sessionId: `session-${loginId}`,
      ip: opts.ip ?? '203.0.113.7',
      client: {
        platform: opts.platform ?? 'pc',
        version: '1.4.2',
        ...(opts.deviceId !== null && { deviceId: opts.deviceId ?? 'device-secret-1' }),
      },
      geo:
        opts.country === null
          ? { country: null, reason: 'private', database: 'test-db 2026-11-01' }
          : {
              country: opts.country,
              database: 'test-db 2026-11-01',
              ...(opts.asn !== undefined && { asn: opts.asn, network: 'other' as const }),
              ...(opts.location && { location: opts.location }),
            },
    },
  });
}

export type AssessedEvent = EventOf<typeof LOGIN_ASSESSED>;
export type ReportedEvent = EventOf<typeof LOGIN_REPORTED>;

/**
 * A `login.assessed` as account-guard publishes it: a follow-up of the login (its id derived from
 * the login id, `correlationid` the login id) stamped, by default, with the login's time.
 */
export function loginAssessed(opts: {
  accountId: string;
  loginId: string;
  time: Date;
  verdict?: AssessedEvent['data']['verdict'];
  risk?: number;
  reasons?: string[];
  signals?: AssessedEvent['data']['signals'];
  actions?: AssessedEvent['data']['actions'];
  shadow?: boolean;
  /** Another id than account-guard's own (a second, different assessment of the login). */
  id?: string;
}): AssessedEvent {
  const verdict = opts.verdict ?? 'suspicious';
  return createEvent({
    type: LOGIN_ASSESSED,
    source: 'account-guard',
    subject: opts.accountId,
    id: opts.id ?? followUpId(opts.loginId, LOGIN_ASSESSED),
    correlationid: opts.loginId,
    time: opts.time.toISOString(),
    data: {
      accountId: opts.accountId,
      sessionId: `session-${opts.loginId}`,
      loginEventId: opts.loginId,
      verdict,
      reasons: opts.reasons ?? (verdict === 'trusted' ? [] : ['foreign_country']),
      policy: 'kick',
      actions: opts.actions ?? [
        { type: 'notify', channel: 'email', status: 'sent' },
        { type: 'kick', status: 'done' },
      ],
      risk: opts.risk ?? 80,
      signals: opts.signals ?? [
        { code: 'foreign_country', level: 'suspicious', detail: { country: 'US', home: 'KR' } },
      ],
      ...(opts.shadow !== undefined && { shadow: opts.shadow }),
    },
  });
}

/** A `login.reported` as account-guard publishes it (its id derived from the login and the answer). */
export function loginReported(opts: {
  accountId: string;
  loginId: string;
  answer: 'me' | 'not_me';
  at: Date;
  ip?: string;
}): ReportedEvent {
  return createEvent({
    type: LOGIN_REPORTED,
    source: 'account-guard',
    subject: opts.accountId,
    id: followUpId(opts.loginId, LOGIN_REPORTED, opts.answer),
    correlationid: opts.loginId,
    time: opts.at.toISOString(),
    data: {
      accountId: opts.accountId,
      loginEventId: opts.loginId,
      ip: opts.ip ?? '203.0.113.7',
      answer: opts.answer,
      at: opts.at.toISOString(),
      by: 'player',
    },
  });
}

export interface Harness {
  vhost: TestVhost;
  database: TestDatabase<DB>;
  svc: RunningService;
  recorded: MessageCollector;
  /** Publishes through the service's own broker connection (confirmed), as ip-checker would. */
  publish(...events: (GeoResolvedEvent | FailedGeoResolvedEvent)[]): Promise<void>;
  /** login.recorded events seen so far for these login ids. */
  recordedFor(loginIds: string[]): any[];
  startAnother(overrides?: DepsOverrides): Promise<RunningService>;
  close(): Promise<void>;
}

export async function startHarness(
  label: string,
  env: Record<string, string> = {},
  overrides: DepsOverrides = {},
): Promise<Harness> {
  const vhost = await createTestVhost(label);
  const database = await createTestDatabase<DB>('login-history');
  const others: RunningService[] = [];
  const envFor = () => testEnv({ AMQP_URL: vhost.url, DATABASE_URL: database.url, ...env });
  const startOne = async (o: DepsOverrides) => {
    const svc = await start(envFor(), o);
    await svc.broker.waitForReady();
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()));
    return svc;
  };
  const svc = await startOne(overrides);
  const recorded = await MessageCollector.start(vhost.url, [
    { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_RECORDED },
  ]);
  return {
    vhost,
    database,
    svc,
    recorded,
    publish: async (...events) => {
      await Promise.all(events.map((e) => svc.broker.publish(e)));
    },
    recordedFor: (loginIds) =>
      recorded.of(LOGIN_RECORDED).filter((m) => loginIds.includes(m.body.correlationid)),
    startAnother: async (o = {}) => {
      const other = await startOne(o);
      others.push(other);
      return other;
    },
    close: async () => {
      await recorded.close();
      for (const o of others) await o.stop();
      await svc.stop();
      await database.drop();
      await vhost.delete();
    },
  };
}

export const minutesAgo = (n: number, from = Date.now()) => new Date(from - n * 60_000);
export const daysAgo = (n: number, from = Date.now()) => new Date(from - n * 24 * 3600_000);

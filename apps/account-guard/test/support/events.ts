import { randomUUID } from 'node:crypto';
import {
  EventOf,
  GeoInfo,
  HistoryInfo,
  LOGIN_RECORDED,
  createEvent,
  followUpId,
} from '@account-security/shared';

export type LoginRecordedEvent = EventOf<typeof LOGIN_RECORDED>;

export interface LoginSpec {
  accountId: string;
  country: string | null;
  reason?: 'private' | 'reserved' | 'not_found';
  ip?: string;
  homeCountry?: string;
  sessionId?: string;
  /** The login's time (ISO); now by default. */
  time?: string;
  /** `client.deviceId`. */
  deviceId?: string;
  /** ip-checker's additions to geo (SPEC §7). */
  geo?: Partial<Pick<GeoInfo, 'asn' | 'asOrg' | 'network'>>;
  /** login-history's SPEC §7 additions (logins, globalLogins, features, travel, failures). */
  history?: Partial<Omit<HistoryInfo, 'recordId' | 'newCountry' | 'previous'>>;
}

/** A login.recorded as login-history publishes it: the login's id travels as correlationid. */
export function loginRecorded(spec: LoginSpec): LoginRecordedEvent {
  const loginId = randomUUID();
  return createEvent({
    type: LOGIN_RECORDED,
    source: 'login-history',
    subject: spec.accountId,
    id: followUpId(loginId, LOGIN_RECORDED),
    correlationid: loginId,
    ...(spec.time ? { time: spec.time } : {}),
    data: {
      accountId: spec.accountId,
      sessionId: spec.sessionId ?? `sess-${randomUUID().slice(0, 8)}`,
      ip: spec.ip ?? (spec.country === null ? '10.1.2.3' : '203.0.113.77'),
      client: { platform: 'pc', version: '1.2.3', ...(spec.deviceId ? { deviceId: spec.deviceId } : {}) },
      ...(spec.homeCountry ? { homeCountry: spec.homeCountry } : {}),
      geo: {
        country: spec.country,
        ...(spec.country === null ? { reason: spec.reason ?? 'private' } : {}),
        database: 'test-geo 2026-11-01',
        ...spec.geo,
      },
      history: { recordId: randomUUID(), newCountry: true, previous: null, ...spec.history },
    },
  });
}

/** Account ids unique per test, so tests in one file never see each other's effects. */
export const accountIdFor = (label: string) => `acc-${label}-${randomUUID().slice(0, 8)}`;

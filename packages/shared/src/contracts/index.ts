import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { ACCOUNT_LOCKED, ACCOUNT_UNLOCKED, accountLockData } from './account-lock';
import { cloudEvent } from './envelope';
import { LOGIN_ASSESSED, loginAssessedData } from './login-assessed';
import { LOGIN_GEO_RESOLVED, loginGeoResolvedData } from './login-geo-resolved';
import { LOGIN_RECORDED, loginRecordedData } from './login-recorded';
import { LOGIN_SUCCEEDED, loginSucceededData } from './login-succeeded';
import { PLAYER_MESSAGE, playerMessageData } from './player-message';
import { SESSION_KICK, sessionKickData } from './session-kick';

export * from './account-lock';
export * from './common';
export * from './envelope';
export * from './login-assessed';
export * from './login-geo-resolved';
export * from './login-recorded';
export * from './login-succeeded';
export * from './player-message';
export * from './session-kick';

export const EVENTS_EXCHANGE = 'account-security.events';
export const COMMANDS_EXCHANGE = 'game.commands';

/** `data` schema of every event and command, by type (= routing key). */
export const dataSchemas = {
  [LOGIN_SUCCEEDED]: loginSucceededData,
  [LOGIN_GEO_RESOLVED]: loginGeoResolvedData,
  [LOGIN_RECORDED]: loginRecordedData,
  [LOGIN_ASSESSED]: loginAssessedData,
  [ACCOUNT_LOCKED]: accountLockData,
  [ACCOUNT_UNLOCKED]: accountLockData,
  [SESSION_KICK]: sessionKickData,
  [PLAYER_MESSAGE]: playerMessageData,
} as const;

export type MessageType = keyof typeof dataSchemas;
type DataMap = { [K in MessageType]: z.infer<(typeof dataSchemas)[K]> };
export type DataOf<T extends MessageType> = DataMap[T];

/** The envelope's known attributes (extensions beyond these travel along untyped). */
export interface EventEnvelope {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype?: 'application/json';
  correlationid?: string;
}
export type EventOf<T extends MessageType> = Omit<EventEnvelope, 'type'> & { type: T; data: DataOf<T> };

/** Full message schema (envelope + data) of each type. */
export const messageSchemas = Object.fromEntries(
  Object.entries(dataSchemas).map(([type, data]) => [type, cloudEvent(type, data)]),
) as unknown as Record<MessageType, z.ZodType>;

/** Which exchange a message type travels on. */
export function exchangeFor(type: MessageType): string {
  return type === SESSION_KICK || type === PLAYER_MESSAGE ? COMMANDS_EXCHANGE : EVENTS_EXCHANGE;
}

/** Fixed namespace for follow-up ids (UUID v5), so the same follow-up always has the same id. */
export const FOLLOW_UP_NAMESPACE = 'c3f1d2a4-5b6e-4f70-8a91-2b3c4d5e6f70';

/** A login's identity end to end: the id of its `login.succeeded` (SPEC §3). */
export function loginIdOf(event: Pick<EventEnvelope, 'id' | 'correlationid'> & { type?: string }): string {
  // A login server may put its own trace id in `correlationid`; the login is its event's id.
  if (event.type === LOGIN_SUCCEEDED) return event.id;
  return event.correlationid ?? event.id;
}

/** The deterministic id of the follow-up of `type` for a login, optionally qualified (e.g. a channel). */
export function followUpId(loginId: string, type: string, qualifier?: string): string {
  return uuidv5(qualifier ? `${loginId}/${type}/${qualifier}` : `${loginId}/${type}`, FOLLOW_UP_NAMESPACE);
}

export interface NewEvent<T extends MessageType> {
  type: T;
  source: string;
  data: DataOf<T>;
  subject?: string;
  id?: string;
  correlationid?: string;
  time?: string;
}

export function createEvent<T extends MessageType>(e: NewEvent<T>): EventOf<T> {
  const id = e.id ?? randomUUID();
  return {
    specversion: '1.0',
    id,
    source: e.source,
    type: e.type,
    time: e.time ?? new Date().toISOString(),
    ...(e.subject !== undefined ? { subject: e.subject } : {}),
    datacontenttype: 'application/json',
    correlationid: e.correlationid ?? id,
    data: e.data,
  };
}

/**
 * A follow-up of the event being handled: same login identity (`correlationid`), same subject,
 * same time unless given, and an id derived from the login id and the follow-up type, so a
 * republish after a crash or a redelivery carries the same id.
 */
export function followUp<T extends MessageType>(
  from: Pick<EventEnvelope, 'id' | 'correlationid' | 'subject'> & { time?: string; type?: string },
  type: T,
  data: DataOf<T>,
  opts: { source: string; qualifier?: string; time?: string },
): EventOf<T> {
  const loginId = loginIdOf(from);
  return createEvent({
    type,
    source: opts.source,
    data,
    subject: from.subject,
    id: followUpId(loginId, type, opts.qualifier),
    correlationid: loginId,
    // The login's time by default: a follow-up republished after a crash or redelivery is then
    // identical to the first, and consumers downstream see when the login happened.
    time: opts.time ?? from.time,
  });
}

import { v5 as uuidv5 } from 'uuid';
import type { DataOf, EventEnvelope, EventOf, MessageType } from './messages';
import { LOGIN_SUCCEEDED } from './events/login-succeeded.v1';

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
  // globalThis.crypto: the same in Node and in the browser, so this module stays browser-safe.
  const id = e.id ?? globalThis.crypto.randomUUID();
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

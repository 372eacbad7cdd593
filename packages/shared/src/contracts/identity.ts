import { parse as uuidParse, v5 as uuidv5 } from 'uuid';
import type { DataOf, EventEnvelope, EventOf, MessageType } from './messages';
import { LOGIN_FAILED } from './events/login-failed.v1';
import { LOGIN_SUCCEEDED } from './events/login-succeeded.v1';

/** Fixed namespace for follow-up ids (UUID v5), so the same follow-up always has the same id. */
export const FOLLOW_UP_NAMESPACE = 'c3f1d2a4-5b6e-4f70-8a91-2b3c4d5e6f70';
// Parsed once, and names given as UTF-8 bytes: uuid's own text paths parse the namespace twice
// and encode the name through escape strings on every call, the bulk of what a follow-up allocates.
const NAMESPACE_BYTES = uuidParse(FOLLOW_UP_NAMESPACE);
const utf8 = new TextEncoder();

/**
 * A login's identity end to end: the id of its `login.succeeded` (SPEC §3), or of its
 * `login.failed` for a failed attempt (SPEC §7).
 */
export function loginIdOf(event: Pick<EventEnvelope, 'id' | 'correlationid'> & { type?: string }): string {
  // A login server may put its own trace id in `correlationid`; the login is its event's id.
  if (event.type === LOGIN_SUCCEEDED || event.type === LOGIN_FAILED) return event.id;
  return event.correlationid ?? event.id;
}

/** The deterministic id of the follow-up of `type` for a login, optionally qualified (e.g. a channel). */
export function followUpId(loginId: string, type: string, qualifier?: string): string {
  const name = qualifier ? `${loginId}/${type}/${qualifier}` : `${loginId}/${type}`;
  return uuidv5(utf8.encode(name), NAMESPACE_BYTES);
}

export interface NewEvent<T extends MessageType> {
  type: T;
  /** W3C trace context (CloudEvents distributed-tracing extension). */
  traceparent?: string;
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
    ...(e.traceparent !== undefined ? { traceparent: e.traceparent } : {}),
    data: e.data,
  };
}

/**
 * A follow-up of the event being handled: same login identity (`correlationid`), same subject,
 * same time unless given, and an id derived from the login id and the follow-up type, so a
 * republish after a crash or a redelivery carries the same id.
 */
export function followUp<T extends MessageType>(
  from: Pick<EventEnvelope, 'id' | 'correlationid' | 'subject'> & {
    time?: string;
    type?: string;
    traceparent?: unknown;
  },
  type: T,
  data: DataOf<T>,
  opts: { source: string; qualifier?: string; time?: string },
): EventOf<T> {
  const loginId = loginIdOf(from);
  const id = followUpId(loginId, type, opts.qualifier);
  return createEvent({
    type,
    source: opts.source,
    data,
    subject: from.subject,
    id,
    correlationid: loginId,
    traceparent: followUpTraceparent(from.traceparent, id),
    // The login's time by default: a follow-up republished after a crash or redelivery is then
    // identical to the first, and consumers downstream see when the login happened.
    time: opts.time ?? from.time,
  });
}

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/;

/**
 * The `traceparent` of a follow-up: the trace of the event it follows, with a span id taken from
 * the follow-up's own id (its first 16 hex digits). Not the span active while handling: its id is
 * random, and a follow-up republished after a crash or a redelivery must be byte-identical to
 * the first (its id deduplicates it downstream, chaos tests compare the bytes). The live span
 * travels in the AMQP `traceparent` header instead; consumers prefer it when it names the same
 * trace. No traceparent in, none out: events of untraced logins stay as they were.
 */
export function followUpTraceparent(incoming: unknown, followUpId: string): string | undefined {
  const m = typeof incoming === 'string' ? TRACEPARENT.exec(incoming) : null;
  if (!m || /^0+$/.test(m[1]!)) return undefined;
  const span = followUpId.replace(/-/g, '').slice(0, 16).padEnd(16, '0');
  return `00-${m[1]}-${/^0+$/.test(span) ? '0000000000000001' : span}-${m[2]}`;
}

import type { ConsumeMessage } from 'amqplib';
import { z } from 'zod';
import { EventOf, MessageType, cloudEventEnvelope, dataSchemas, loginIdOf } from '../../contracts';

export const ATTEMPT_HEADER = 'x-attempt';
export const REASON_HEADER = 'x-dead-letter-reason';
export const ERROR_HEADER = 'x-error';

/** Why a message was dead-lettered without reaching a handler. */
export type BadInputReason =
  'too_large' | 'invalid_json' | 'not_cloudevent' | 'unknown_type' | 'invalid_data' | 'untrusted_publisher';

type Parsed<T extends MessageType> =
  { ok: true; event: EventOf<T> } | { ok: false; reason: BadInputReason; error: string };

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Bad input is classified once, here, for every consumer: it is never retried. */
export function parseMessage<T extends MessageType>(
  content: Buffer,
  types: readonly T[],
  maxBytes = 64 * 1024,
): Parsed<T> {
  if (content.length > maxBytes) {
    return {
      ok: false,
      reason: 'too_large',
      error: `message is ${content.length} bytes; the limit is ${maxBytes}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'invalid_json', error: `not valid JSON: ${(e as Error).message}` };
  }
  const envelope = cloudEventEnvelope.safeParse(json);
  if (!envelope.success) {
    return {
      ok: false,
      reason: 'not_cloudevent',
      error: `not a CloudEvent: ${describeIssues(envelope.error, '')}`,
    };
  }
  const type = envelope.data.type as T;
  if (!types.includes(type)) {
    return {
      ok: false,
      reason: 'unknown_type',
      error: `event type "${type.slice(0, 128)}" is not handled here`,
    };
  }
  const data = dataSchemas[type].safeParse(envelope.data.data);
  if (!data.success) {
    return {
      ok: false,
      reason: 'invalid_data',
      error: `invalid ${type}: ${describeIssues(data.error, 'data')}`,
    };
  }
  return { ok: true, event: { ...envelope.data, type, data: data.data } as unknown as EventOf<T> };
}

/** 1 for the first delivery through the work queue; the retry copies carry the next number. */
export function attemptOf(msg: ConsumeMessage): number {
  const n = Number(msg.properties.headers?.[ATTEMPT_HEADER]);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** The ids every log line about this event carries. */
export function logContextOf(event: EventOf<MessageType>) {
  return { eventId: event.id, correlationId: loginIdOf(event), eventType: event.type };
}

import { z } from 'zod';
import { identifier, isoTime, text } from './common';

/**
 * CloudEvents 1.0, structured JSON mode (SPEC §3). Unknown extension attributes are kept,
 * as CloudEvents allows; `data` is checked by the schema of the event's type.
 */
export const cloudEventEnvelope = z.looseObject({
  specversion: z.literal('1.0', { message: 'specversion must be "1.0"' }),
  id: identifier(128),
  source: text(1, 256),
  type: text(1, 128),
  time: isoTime,
  subject: text(1, 128).optional(),
  datacontenttype: z.literal('application/json').optional(),
  correlationid: identifier(128).optional(),
  data: z.unknown(),
});

export type CloudEventEnvelope = z.infer<typeof cloudEventEnvelope>;

/** The envelope with `type` and `data` narrowed to one event type. */
export function cloudEvent<T extends string, D extends z.ZodType>(type: T, data: D) {
  return cloudEventEnvelope.extend({ type: z.literal(type), data });
}

import type { MessageProperties } from 'amqplib';
import { MessageType, PRODUCERS } from '../contracts';

/**
 * The publisher of a message a service copied to its own retry or dead-letter queue. The copy
 * carries the service's own `user_id` (the broker allows no other), so who published the
 * original travels here.
 */
export const ORIGINAL_USER_HEADER = 'x-original-user-id';

/**
 * Who published a delivery: its `user_id`, which the broker checked against the publishing
 * connection. Only a copy with the service's own `user_id` can have come through the service's
 * retry exchange (no one else may publish with that id, and only that user may write there), so
 * only then is the header believed; anyone else's header is ignored.
 */
export function publisherOf(
  props: Pick<MessageProperties, 'userId' | 'headers'>,
  self: string,
): string | undefined {
  const userId = typeof props.userId === 'string' && props.userId !== '' ? props.userId : undefined;
  if (userId === self) {
    const original = props.headers?.[ORIGINAL_USER_HEADER];
    if (typeof original === 'string') return original === '' ? undefined : original;
  }
  return userId;
}

/** The header value a copy carries: '' when the original named no publisher at all. */
export const originalUserHeader = (props: Pick<MessageProperties, 'userId' | 'headers'>, self: string) => ({
  [ORIGINAL_USER_HEADER]: publisherOf(props, self) ?? '',
});

/** Why a publisher may not publish on a queue of these types, or undefined when it may. */
export function untrustedReason(
  publisher: string | undefined,
  types: readonly MessageType[],
): string | undefined {
  if (publisher !== undefined && types.some((t) => PRODUCERS[t] === publisher)) return undefined;
  const allowed = [...new Set(types.map((t) => PRODUCERS[t]))].join(', ');
  const who = publisher === undefined ? 'a publisher without user_id' : `"${publisher.slice(0, 64)}"`;
  return `${types.join(', ')} published by ${who}; only ${allowed} may publish it`;
}

import type { EventOf, MessageType } from '@account-security/shared';
import type { ActionRow } from '../data-access/schema';
import type { NoticeFacts } from '../domain/templates';
import type { Locale } from '../domain/types';

/**
 * What an action row carries, as decided. A broker command is stored as the complete event, so
 * a re-publish is byte-for-byte the first one (same id, same time).
 */
export interface CommandPayload {
  event: EventOf<MessageType>;
}

/**
 * An email or SMS is stored as facts, not text: it is rendered when it is sent, because a lock
 * notice's one-time link is minted only then and the raw token is never stored.
 */
export interface DeliveryPayload {
  to: string;
  locale: Locale;
  notice: NoticeFacts;
  /** The lock this notice's unlock link is for. */
  lockId: string | null;
}

export function isDelivery(row: ActionRow): boolean {
  return row.type === 'notify' && (row.channel === 'email' || row.channel === 'sms');
}

export function commandOf(row: ActionRow): CommandPayload | undefined {
  const p = row.payload as Partial<CommandPayload> | null;
  return p && typeof p === 'object' && p.event ? (p as CommandPayload) : undefined;
}

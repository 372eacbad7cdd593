import type { EventOf, MessageType } from '@account-security/shared/contracts';
import type { AnyNotice } from './templates';
import type { ActionStatus, ActionType, Channel, Locale } from './types';

/**
 * A broker command (player.message, session.kick, account.locked), stored as the complete event
 * so a re-publish is byte-for-byte the first one (same id, same time).
 */
export type Command = EventOf<MessageType>;

/**
 * An email or SMS is stored as facts, not text: it is rendered when it is sent, because a lock
 * notice's one-time link is minted only then and the raw token is never stored.
 */
export interface Delivery {
  to: string;
  locale: Locale;
  notice: AnyNotice;
  /** The lock this notice's unlock link is for. */
  lockId: string | null;
}

/**
 * What an action follows up: a login's decision, a player's settings change (the notice to the
 * contacts as they were), or a replacement contact (its verification link).
 */
export type ActionOrigin = 'login' | 'settings_change' | 'contact';

/** One planned action, as stored: the pending ones are the outbox. */
export interface Action {
  id: number;
  /** The id of its origin: the login id, or the change's or verification's own id. */
  loginId: string;
  origin: ActionOrigin;
  accountId: string;
  type: ActionType;
  channel: Channel | null;
  status: ActionStatus;
  attempts: number;
  /** The event to publish, for a broker command. */
  command: Command | null;
  /** What to send, for an email or SMS. */
  delivery: Delivery | null;
  /** Counted against the hourly caps already (a retry is not counted again). */
  reserved: boolean;
}

/** Email and SMS go through a provider (the outbox worker); everything else is a broker command. */
export const isDelivery = (a: Pick<Action, 'type' | 'channel'>): boolean =>
  a.type === 'notify' && (a.channel === 'email' || a.channel === 'sms');

/** A broker command still to be published. */
export const isPendingCommand = (a: Action): boolean => a.status === 'pending' && !isDelivery(a);

/**
 * What a command becomes once the broker confirmed it: a message is `sent`, anything else `done`.
 * The one place this is written; the repository's bulk update is derived from it.
 */
export const CONFIRMED_STATUS: Record<ActionType, 'sent' | 'done'> = {
  notify: 'sent',
  kick: 'done',
  block: 'done',
  lock: 'done',
};

/** Commands go out in this order: the in-game notice before the kick that ends the session it is shown in. */
const PUBLISH_ORDER: Record<ActionType, number> = { notify: 0, kick: 1, lock: 2, block: 9 };

export function inPublishOrder<A extends Pick<Action, 'type' | 'id'>>(actions: A[]): A[] {
  return [...actions].sort((a, b) => PUBLISH_ORDER[a.type] - PUBLISH_ORDER[b.type] || a.id - b.id);
}

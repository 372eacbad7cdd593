import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ActionOrigin } from '../../domain/actions';
import type { ActionStatus, ActionType, Channel } from '../../domain/types';
import type { Counter, JsonColumn, NullableTimestamp, Timestamp } from './columns';

export interface LoginActionTable {
  id: Generated<number>;
  /** The id of what the action follows up: a login, a settings change or a contact verification. */
  login_id: string;
  origin: ColumnType<ActionOrigin, ActionOrigin | undefined, ActionOrigin>;
  account_id: string;
  type: ActionType;
  channel: Channel | null;
  status: ActionStatus;
  detail: string | null;
  /** A broker command's `{event}`, an email's or SMS's delivery facts, or null. */
  payload: JsonColumn<unknown>;
  attempts: Counter;
  next_attempt_at: Timestamp;
  created_at: Timestamp;
  completed_at: NullableTimestamp;
  /** When this notice was counted against the hourly caps (just before its first send). */
  reserved_at: NullableTimestamp;
}

export type ActionRow = Selectable<LoginActionTable>;
export type NewActionRow = Insertable<LoginActionTable>;

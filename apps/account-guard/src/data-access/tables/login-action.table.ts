import type { Generated, Insertable, Selectable } from 'kysely';
import type { ActionStatus, ActionType, Channel } from '../../domain/types';
import type { Counter, JsonColumn, NullableTimestamp, Timestamp } from './columns';

export interface LoginActionTable {
  id: Generated<number>;
  login_id: string;
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
}

export type ActionRow = Selectable<LoginActionTable>;
export type NewActionRow = Insertable<LoginActionTable>;

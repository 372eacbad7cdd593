import type { Selectable } from 'kysely';
import type { Counter, JsonColumn, NullableTimestamp, Timestamp } from './columns';

export interface EventOutboxTable {
  id: string;
  type: string;
  event: JsonColumn<unknown>;
  created_at: Timestamp;
  published_at: NullableTimestamp;
  attempts: Counter;
  next_attempt_at: Timestamp;
  last_error: string | null;
}

export type OutboxRow = Selectable<EventOutboxTable>;

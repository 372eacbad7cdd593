import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read as parsed JSON, written as a JSON string (pg would turn a JS array into a Postgres array). */
type Json<T> = ColumnType<T, string | undefined, string>;

export interface ProtectionSettingsTable {
  account_id: string;
  policy: string;
  channels: string[];
  email: string | null;
  phone: string | null;
  trusted_countries: string[];
  locale: string;
  updated_at: Timestamp;
  updated_by: string;
}

export interface AccountLockTable {
  account_id: string;
  lock_id: string;
  locked_at: Timestamp;
  reason: string;
  locked_by: string;
  login_id: string | null;
}

export interface LoginDecisionTable {
  login_id: string;
  event_id: string;
  account_id: string;
  session_id: string;
  ip: string;
  country: string | null;
  home_country: string;
  logged_in_at: Timestamp;
  verdict: string;
  reasons: string[];
  policy: string;
  decided_at: Timestamp;
  assessed_published_at: NullableTimestamp;
}

export type ActionStatus = 'pending' | 'sent' | 'done' | 'skipped' | 'failed';

export interface LoginActionTable {
  id: Generated<number>;
  login_id: string;
  account_id: string;
  type: string;
  channel: string | null;
  status: ActionStatus;
  detail: string | null;
  payload: Json<unknown>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  created_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface UnlockTokenTable {
  token_hash: string;
  lock_id: string;
  account_id: string;
  action_id: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface EventOutboxTable {
  id: string;
  type: string;
  event: Json<unknown>;
  created_at: Timestamp;
  published_at: NullableTimestamp;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  account_id: string;
  action: string;
  actor: string;
  reason: string | null;
  login_id: string | null;
  details: Json<Record<string, unknown>>;
}

export interface DB {
  protection_settings: ProtectionSettingsTable;
  account_lock: AccountLockTable;
  login_decision: LoginDecisionTable;
  login_action: LoginActionTable;
  unlock_token: UnlockTokenTable;
  event_outbox: EventOutboxTable;
  audit_log: AuditLogTable;
}

export type Db = Kysely<DB>;
/** A repository function runs on the pool or inside the caller's transaction alike. */
export type Executor = Kysely<DB> | Transaction<DB>;

export type SettingsRow = Selectable<ProtectionSettingsTable>;
export type LockRow = Selectable<AccountLockTable>;
export type DecisionRow = Selectable<LoginDecisionTable>;
export type ActionRow = Selectable<LoginActionTable>;
export type NewAction = Insertable<LoginActionTable>;
export type TokenRow = Selectable<UnlockTokenTable>;
export type OutboxRow = Selectable<EventOutboxTable>;
export type AuditRow = Selectable<AuditLogTable>;

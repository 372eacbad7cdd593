import type { Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp } from './columns';

export interface AccountLockTable {
  account_id: string;
  lock_id: string;
  locked_at: Timestamp;
  reason: string;
  locked_by: string;
  login_id: string | null;
  /** Set by a "not me": only support may end the lock (no unlock link, no "me" ends it). */
  support_only: Generated<boolean>;
}

export type LockRow = Selectable<AccountLockTable>;
export type NewLockRow = Insertable<AccountLockTable>;

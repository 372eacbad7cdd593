import type { Insertable, Selectable } from 'kysely';
import type { Timestamp } from './columns';

export interface AccountLockTable {
  account_id: string;
  lock_id: string;
  locked_at: Timestamp;
  reason: string;
  locked_by: string;
  login_id: string | null;
}

export type LockRow = Selectable<AccountLockTable>;
export type NewLockRow = Insertable<AccountLockTable>;

import type { NullableTimestamp, Timestamp } from './columns';

export interface UnlockTokenTable {
  token_hash: string;
  lock_id: string;
  account_id: string;
  action_id: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

import type { NullableTimestamp, Timestamp } from './columns';

export interface ContactTokenTable {
  token_hash: string;
  account_id: string;
  contact: 'email' | 'phone';
  /** The pending address this token confirms; a newer pending address makes it void. */
  address: string;
  action_id: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

import type { NullableTimestamp, Timestamp } from './columns';

/** SPEC §8: devices and networks the player confirmed with "it was me". */
export interface KnownDeviceTable {
  account_id: string;
  /** deviceKey() of the login's client.deviceId, never the raw id. */
  device_key: string;
  login_id: string;
  confirmed_at: Timestamp;
}

export interface KnownNetworkTable {
  account_id: string;
  asn: number;
  login_id: string;
  confirmed_at: Timestamp;
}

/** SPEC §7 reported_ip: the latest "not me" per IP, as login.reported told it. */
export interface ReportedIpTable {
  ip: string;
  reported_at: Timestamp;
  account_id: string;
  login_id: string;
}

/** SPEC §8: the answer a login got (one row per login; "not me" may replace "me"). */
export interface LoginFeedbackTable {
  login_id: string;
  account_id: string;
  answer: 'me' | 'not_me';
  /** `player` or `support:<staffId>`. */
  answered_by: string;
  answered_at: Timestamp;
}

/** SPEC §8: the one-time answer links of notices; only the token's hash is stored. */
export interface FeedbackTokenTable {
  token_hash: string;
  login_id: string;
  account_id: string;
  action_id: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

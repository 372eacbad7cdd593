/** How often a feature value was seen on an account's successful logins (kind `logins`: the logins). */
export interface AccountFeaturesTable {
  account_id: string;
  kind: string;
  value: string;
  count: string | number;
  first_seen_at: Date;
  last_seen_at: Date;
}

/** The same for everyone's successful logins. */
export interface GlobalFeaturesTable {
  kind: string;
  value: string;
  count: string | number;
}

/** Per IP and account: the latest failed login. */
export interface IpFailuresTable {
  ip: string;
  account_id: string;
  last_failed_at: Date;
}

/** Failed logins per account and minute. */
export interface AccountFailureMinutesTable {
  account_id: string;
  minute: Date;
  count: number;
}

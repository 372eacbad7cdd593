import type { Generated } from 'kysely';

/** One row per login: what a player and support see. Partitioned by month on logged_in_at. */
export interface LoginsTable {
  account_id: string;
  logged_in_at: Date;
  /** The record id (history.recordId in login.recorded). */
  id: string;
  ip: string;
  country: string | null;
  client_platform: string;
  client_version: string;
}

/** One row per login id: the idempotency key and the history facts published for it. */
export interface RecordedLoginsTable {
  login_id: string;
  account_id: string;
  logged_in_at: Date;
  record_id: string;
  country: string | null;
  new_country: boolean;
  previous_logged_in_at: Date | null;
  previous_ip: string | null;
  previous_country: string | null;
  recorded_at: Generated<Date>;
}

/** Each account's latest retained login. */
export interface AccountLastLoginsTable {
  account_id: string;
  logged_in_at: Date;
  record_id: string;
  ip: string;
  country: string | null;
}

/** Per account and country: its first retained login (by time) and its last login time. */
export interface AccountCountriesTable {
  account_id: string;
  country: string;
  first_logged_in_at: Date;
  first_record_id: string;
  last_logged_in_at: Date;
}

export interface DB {
  logins: LoginsTable;
  recorded_logins: RecordedLoginsTable;
  account_last_logins: AccountLastLoginsTable;
  account_countries: AccountCountriesTable;
}

import type { Generated } from 'kysely';

/** One row per login: what a player and support see. Partitioned by month on logged_in_at. */
export interface LoginsTable {
  account_id: string;
  logged_in_at: Date;
  /** The record id (history.recordId in login.recorded). */
  id: string;
  /** The login's id (its login.succeeded or login.failed id); null only on rows older than it. */
  login_id: string | null;
  ip: string;
  country: string | null;
  client_platform: string;
  client_version: string;
  result: Generated<'succeeded' | 'failed'>;
  failure_reason: string | null;
  latitude: number | null;
  longitude: number | null;
  location_source: 'city' | 'country' | null;
}

import type { Generated } from 'kysely';

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
  /** The SPEC §7 facts published (HistoryExtra); null for failures and older rows. */
  history: unknown;
  /** The login's event data as published in login.recorded, without client.deviceId (SPEC §10 export); null for failures and older rows. */
  event_data: unknown;
  recorded_at: Generated<Date>;
}

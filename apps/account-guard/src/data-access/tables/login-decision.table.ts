import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { Policy, Verdict } from '../../domain/types';
import type { FiredSignal } from '../../domain/types';
import type { JsonColumn, NullableTimestamp, Timestamp } from './columns';

export interface LoginDecisionTable {
  login_id: string;
  event_id: string;
  account_id: string;
  session_id: string;
  ip: string;
  country: string | null;
  home_country: string;
  logged_in_at: Timestamp;
  verdict: Verdict;
  reasons: string[];
  policy: Policy;
  /** SPEC §7 (migration 2026_12_03_1000): 0 and [] on decisions made before it. */
  risk: ColumnType<number, number | undefined, number>;
  signals: JsonColumn<FiredSignal[]>;
  /** SPEC §8 (migration 2026_12_04_0900): deviceKey() of client.deviceId, and geo.asn; null when absent or older. */
  device_key: ColumnType<string | null, string | null | undefined, string | null>;
  asn: ColumnType<number | null, number | null | undefined, number | null>;
  /** SPEC §10 (migration 2026_12_04_1100): decided under ENFORCEMENT=shadow; false on older rows. */
  shadow: ColumnType<boolean, boolean | undefined, boolean>;
  decided_at: Timestamp;
  assessed_published_at: NullableTimestamp;
}

export type DecisionRow = Selectable<LoginDecisionTable>;
export type NewDecisionRow = Insertable<LoginDecisionTable>;

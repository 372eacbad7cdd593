import type { Insertable, Selectable } from 'kysely';
import type { Policy, Verdict } from '../../domain/types';
import type { NullableTimestamp, Timestamp } from './columns';

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
  decided_at: Timestamp;
  assessed_published_at: NullableTimestamp;
}

export type DecisionRow = Selectable<LoginDecisionTable>;
export type NewDecisionRow = Insertable<LoginDecisionTable>;

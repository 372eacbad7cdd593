/**
 * Per login id: account-guard's assessment and the player's answer (SPEC §8), each with the time
 * it is of. The assessment columns are null until assessed, the answer's until answered.
 */
export interface LoginOutcomesTable {
  login_id: string;
  record_id: string;
  account_id: string;
  verdict: 'trusted' | 'unusual' | 'suspicious' | null;
  risk: number | null;
  reasons: unknown;
  signals: unknown;
  actions: unknown;
  shadow: boolean | null;
  assessed_at: Date | null;
  answer: 'me' | 'not_me' | null;
  answered_at: Date | null;
  answered_by: string | null;
  last_event_at: Date;
}

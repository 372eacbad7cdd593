import { sql } from 'kysely';
import type { DecisionRow, Executor, LockRow, SettingsRow } from './schema';

export interface BatchState {
  /** Decisions that exist already (redeliveries), by login id. */
  decisions: Map<string, DecisionRow>;
  /** Stored protection settings, by account id (none: the defaults apply). */
  settings: Map<string, SettingsRow>;
  /** Locks in force, by account id. */
  locks: Map<string, LockRow>;
}

type Json<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

/**
 * What a batch of logins is decided against, in one round trip: the decisions that exist for its
 * login ids, and its accounts' settings and locks. Read after the accounts are locked, so it is
 * what the decisions must see. Each table comes back as one JSON array.
 */
export async function readBatchState(
  trx: Executor,
  loginIds: string[],
  accountIds: string[],
): Promise<BatchState> {
  const { rows } = await sql<{
    decisions: Json<DecisionRow>[];
    settings: Json<SettingsRow>[];
    locks: Json<LockRow>[];
  }>`
    select
      (select coalesce(json_agg(d), '[]') from login_decision d where d.login_id = any(${loginIds}::text[])) as decisions,
      (select coalesce(json_agg(s), '[]') from protection_settings s where s.account_id = any(${accountIds}::text[])) as settings,
      (select coalesce(json_agg(l), '[]') from account_lock l where l.account_id = any(${accountIds}::text[])) as locks
  `.execute(trx);
  const r = rows[0]!;
  const date = (v: string | null) => (v === null ? null : new Date(v));
  return {
    decisions: new Map(
      r.decisions.map((d) => [
        d.login_id,
        {
          ...d,
          logged_in_at: new Date(d.logged_in_at),
          decided_at: new Date(d.decided_at),
          assessed_published_at: date(d.assessed_published_at),
        },
      ]),
    ),
    settings: new Map(r.settings.map((s) => [s.account_id, { ...s, updated_at: new Date(s.updated_at) }])),
    locks: new Map(r.locks.map((l) => [l.account_id, { ...l, locked_at: new Date(l.locked_at) }])),
  };
}

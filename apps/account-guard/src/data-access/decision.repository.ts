import type { Executor, Trx } from './db';
import type { DecisionRow } from './tables/login-decision.table';
import type { AssessedDecision } from '../domain/commands';

/** A login's decision as stored (what login.assessed tells of it, and whether that went out). */
export interface StoredDecision extends AssessedDecision {
  assessedPublished: boolean;
}

export const toStoredDecision = (
  d: Pick<
    DecisionRow,
    | 'login_id'
    | 'account_id'
    | 'session_id'
    | 'verdict'
    | 'reasons'
    | 'policy'
    | 'risk'
    | 'signals'
    | 'shadow'
    | 'assessed_published_at'
  >,
): StoredDecision => ({
  loginId: d.login_id,
  accountId: d.account_id,
  sessionId: d.session_id,
  verdict: d.verdict,
  reasons: d.reasons,
  policy: d.policy,
  risk: d.risk ?? 0,
  signals: d.signals ?? [],
  shadow: d.shadow ?? false,
  assessedPublished: d.assessed_published_at !== null,
});

/** Remembers that these logins' login.assessed were confirmed: one UPDATE. */
export async function markAssessedPublished(db: Executor, loginIds: string[], now: Date): Promise<void> {
  if (loginIds.length === 0) return;
  await db
    .updateTable('login_decision')
    .set({ assessed_published_at: now })
    .where('login_id', 'in', loginIds)
    .where('assessed_published_at', 'is', null)
    .execute();
}

/**
 * `lockDecision` for several logins in one statement, returning by login id whether its
 * login.assessed is published; the rows are locked in login id order, so two transactions
 * locking overlapping sets cannot deadlock.
 */
export async function lockDecisions(trx: Trx, loginIds: string[]): Promise<Map<string, boolean>> {
  if (loginIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('login_decision')
    .select(['login_id', 'assessed_published_at'])
    .where('login_id', 'in', loginIds)
    .orderBy('login_id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.login_id, r.assessed_published_at !== null]));
}

/**
 * Locks a login's decision row until the transaction ends: whoever holds it is the one carrying
 * out the login's commands. Concurrent duplicates wait here (and then find nothing left to do);
 * with `skipLocked` the caller gets false instead of waiting. False too when there is no row.
 */
export async function lockDecision(
  trx: Trx,
  loginId: string,
  opts: { skipLocked?: boolean } = {},
): Promise<boolean> {
  let q = trx.selectFrom('login_decision').select('login_id').where('login_id', '=', loginId).forUpdate();
  if (opts.skipLocked) q = q.skipLocked();
  return (await q.executeTakeFirst()) !== undefined;
}

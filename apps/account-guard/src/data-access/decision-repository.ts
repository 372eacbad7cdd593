import type { DecisionRow, Executor } from './schema';

/** Remembers that these logins' login.assessed were confirmed: one UPDATE. */
export async function markAssessedPublished(db: Executor, loginIds: string[]): Promise<void> {
  if (loginIds.length === 0) return;
  await db
    .updateTable('login_decision')
    .set({ assessed_published_at: new Date() })
    .where('login_id', 'in', loginIds)
    .where('assessed_published_at', 'is', null)
    .execute();
}

/**
 * `lockDecision` for several logins in one statement, returning whether their login.assessed is
 * published; the rows are locked in login id order, so two transactions locking overlapping sets
 * cannot deadlock.
 */
export async function lockDecisions(
  trx: Executor,
  loginIds: string[],
): Promise<Map<string, Pick<DecisionRow, 'assessed_published_at'>>> {
  if (loginIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('login_decision')
    .select(['login_id', 'assessed_published_at'])
    .where('login_id', 'in', loginIds)
    .orderBy('login_id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.login_id, r]));
}

/**
 * Locks a login's decision row until the transaction ends: whoever holds it is the one carrying
 * out the login's commands. Concurrent duplicates wait here (and then find nothing left to do);
 * with `skipLocked` the caller gets undefined instead of waiting.
 */
export async function lockDecision(
  trx: Executor,
  loginId: string,
  opts: { skipLocked?: boolean } = {},
): Promise<DecisionRow | undefined> {
  let q = trx.selectFrom('login_decision').selectAll().where('login_id', '=', loginId).forUpdate();
  if (opts.skipLocked) q = q.skipLocked();
  return q.executeTakeFirst();
}

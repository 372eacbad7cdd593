import type { Insertable } from 'kysely';
import type { DecisionRow, Executor, LoginDecisionTable } from './schema';

export async function findDecision(db: Executor, loginId: string): Promise<DecisionRow | undefined> {
  return db.selectFrom('login_decision').selectAll().where('login_id', '=', loginId).executeTakeFirst();
}

/** Undefined when a decision for this login already exists. */
export async function insertDecision(
  trx: Executor,
  row: Insertable<LoginDecisionTable>,
): Promise<DecisionRow | undefined> {
  return trx
    .insertInto('login_decision')
    .values(row)
    .onConflict((oc) => oc.column('login_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function markAssessedPublished(db: Executor, loginId: string): Promise<void> {
  await db
    .updateTable('login_decision')
    .set({ assessed_published_at: new Date() })
    .where('login_id', '=', loginId)
    .where('assessed_published_at', 'is', null)
    .execute();
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

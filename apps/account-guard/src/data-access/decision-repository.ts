import type { Insertable } from 'kysely';
import type { DecisionRow, Executor, LoginDecisionTable } from './schema';

export async function findDecisions(db: Executor, loginIds: string[]): Promise<Map<string, DecisionRow>> {
  if (loginIds.length === 0) return new Map();
  const rows = await db.selectFrom('login_decision').selectAll().where('login_id', 'in', loginIds).execute();
  return new Map(rows.map((r) => [r.login_id, r]));
}

/** Inserts the decisions that do not exist yet and returns those (not the ones that existed). */
export async function insertDecisions(
  trx: Executor,
  rows: Insertable<LoginDecisionTable>[],
): Promise<DecisionRow[]> {
  if (rows.length === 0) return [];
  return trx
    .insertInto('login_decision')
    .values(rows)
    .onConflict((oc) => oc.column('login_id').doNothing())
    .returningAll()
    .execute();
}

export async function markAssessedPublished(db: Executor, loginId: string): Promise<void> {
  await db
    .updateTable('login_decision')
    .set({ assessed_published_at: new Date() })
    .where('login_id', '=', loginId)
    .where('assessed_published_at', 'is', null)
    .execute();
}

/** Several logins at once: one UPDATE. */
export async function markAllAssessedPublished(db: Executor, loginIds: string[]): Promise<void> {
  if (loginIds.length === 0) return;
  await db
    .updateTable('login_decision')
    .set({ assessed_published_at: new Date() })
    .where('login_id', 'in', loginIds)
    .where('assessed_published_at', 'is', null)
    .execute();
}

/**
 * `lockDecision` for several logins, in one statement (rows locked in login id order): returns
 * the ids of those whose login.assessed is not published yet. Whoever holds these rows is the one
 * publishing their login.assessed.
 */
export async function lockUnpublishedDecisions(trx: Executor, loginIds: string[]): Promise<string[]> {
  if (loginIds.length === 0) return [];
  const rows = await trx
    .selectFrom('login_decision')
    .select('login_id')
    .where('login_id', 'in', loginIds)
    .where('assessed_published_at', 'is', null)
    .orderBy('login_id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.login_id);
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

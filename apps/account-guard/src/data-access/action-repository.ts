import { sql } from 'kysely';
import type { ActionRow, ActionStatus, Executor } from './schema';

/** The actions of several logins, by login id (each list in id order). */
export async function listActionsOf(db: Executor, loginIds: string[]): Promise<Map<string, ActionRow[]>> {
  const out = new Map<string, ActionRow[]>(loginIds.map((id) => [id, []]));
  if (loginIds.length === 0) return out;
  const rows = await db
    .selectFrom('login_action')
    .selectAll()
    .where('login_id', 'in', loginIds)
    .orderBy('id')
    .execute();
  for (const r of rows) out.get(r.login_id)?.push(r);
  return out;
}

/**
 * Moves a pending action to its final status. Undefined when it was not pending any more
 * (another replica finished it first), so the caller writes its audit entry only once.
 */
export async function completeAction(
  db: Executor,
  id: number,
  status: Exclude<ActionStatus, 'pending'>,
  detail: string | null = null,
): Promise<ActionRow | undefined> {
  return db
    .updateTable('login_action')
    .set({ status, detail, completed_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Marks broker commands the broker confirmed, in one statement: a message `sent`, any other
 * command `done` (the rule of `confirmedStatus`). Returns the rows it moved, in the order of
 * `ids`; one that was not pending any more (finished elsewhere) is left out, so its audit entry
 * is written only once.
 */
export async function completeCommands(db: Executor, ids: number[]): Promise<ActionRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('login_action')
    .set({
      status: sql<ActionStatus>`case when type = 'notify' then 'sent' else 'done' end`,
      detail: null,
      completed_at: new Date(),
    })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .returningAll()
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Claims due pending actions for one delivery attempt each: the claim pushes next_attempt_at
 * past the lease, so neither this replica's next poll nor another replica (SKIP LOCKED while the
 * claim commits, the lease afterwards) takes them while they are being delivered.
 */
export async function claimDueActions(db: Executor, limit: number, leaseMs: number): Promise<ActionRow[]> {
  const rows = await sql<ActionRow>`
    update login_action
       set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond', attempts = attempts + 1
     where id in (
       select id from login_action
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at
        limit ${limit}
        for update skip locked)
    returning *`.execute(db);
  return rows.rows;
}

export async function rescheduleAction(
  db: Executor,
  id: number,
  delayMs: number,
  error: string,
): Promise<void> {
  await db
    .updateTable('login_action')
    .set({
      next_attempt_at: sql`now() + ${delayMs} * interval '1 millisecond'`,
      detail: error.slice(0, 1000),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function countPendingActions(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('login_action')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findAction(db: Executor, id: number): Promise<ActionRow | undefined> {
  return db.selectFrom('login_action').selectAll().where('id', '=', id).executeTakeFirst();
}

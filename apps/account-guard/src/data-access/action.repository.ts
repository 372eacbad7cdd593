import { sql } from 'kysely';
import { Action, ActionOrigin, CONFIRMED_STATUS, Command, Delivery, isDelivery } from '../domain/actions';
import type { ActionStatus, ActionType, Channel } from '../domain/types';
import type { Db, Executor } from './db';
import type { ActionRow, NewActionRow } from './tables/login-action.table';

/** An action to write with its decision; what is left out takes the column's default. */
export interface NewAction {
  loginId: string;
  /** `login` when left out. */
  origin?: ActionOrigin;
  accountId: string;
  type: ActionType;
  channel?: Channel;
  status: ActionStatus;
  detail?: string;
  payload?: { event: Command } | Delivery;
  nextAttemptAt?: Date;
  completedAt?: Date;
}

export const actionValues = (list: NewAction[]): NewActionRow[] =>
  list.map((a) => ({
    login_id: a.loginId,
    ...(a.origin !== undefined ? { origin: a.origin } : {}),
    account_id: a.accountId,
    type: a.type,
    ...(a.channel !== undefined ? { channel: a.channel } : {}),
    status: a.status,
    ...(a.detail !== undefined ? { detail: a.detail } : {}),
    ...(a.payload !== undefined ? { payload: JSON.stringify(a.payload) } : {}),
    ...(a.nextAttemptAt !== undefined ? { next_attempt_at: a.nextAttemptAt } : {}),
    ...(a.completedAt !== undefined ? { completed_at: a.completedAt } : {}),
  }));

/**
 * The payload is jsonb: a command is read as one only when it holds an event, a delivery only
 * when it names a recipient, so a row without either is recognisably not carried out.
 */
export function toAction(row: ActionRow): Action {
  const p = row.payload as Partial<{ event: Command } & Delivery> | null;
  const object = p !== null && typeof p === 'object';
  const delivery = isDelivery(row) && object && typeof p.to === 'string' ? (p as Delivery) : null;
  const command = !isDelivery(row) && object && p.event ? p.event : null;
  return {
    id: row.id,
    loginId: row.login_id,
    origin: row.origin,
    accountId: row.account_id,
    type: row.type,
    channel: row.channel,
    status: row.status,
    attempts: row.attempts,
    command,
    delivery,
    reserved: row.reserved_at !== null,
  };
}

/** The actions of several logins, by login id (each list in id order). */
export async function listActionsOf(db: Executor, loginIds: string[]): Promise<Map<string, Action[]>> {
  const out = new Map<string, Action[]>(loginIds.map((id) => [id, []]));
  if (loginIds.length === 0) return out;
  const rows = await db
    .selectFrom('login_action')
    .selectAll()
    .where('login_id', 'in', loginIds)
    .orderBy('id')
    .execute();
  for (const r of rows) out.get(r.login_id)?.push(toAction(r));
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
  now: Date,
  detail: string | null = null,
): Promise<Action | undefined> {
  const row = await db
    .updateTable('login_action')
    .set({ status, detail, completed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return row && toAction(row);
}

/** `CONFIRMED_STATUS` as SQL, so one statement can complete commands of every type. */
const confirmedStatusOfType = sql<ActionStatus>`case type ${sql.join(
  Object.entries(CONFIRMED_STATUS).map(
    ([type, status]) => sql`when ${sql.lit(type)} then ${sql.lit(status)}`,
  ),
  sql` `,
)} else 'done' end`;

/**
 * Marks broker commands the broker confirmed, in one statement, each with its `CONFIRMED_STATUS`.
 * Returns the actions it moved, in the order of `ids`; one that was not pending any more
 * (finished elsewhere) is left out, so its audit entry is written only once.
 */
export async function completeCommands(db: Executor, ids: number[], now: Date): Promise<Action[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('login_action')
    .set({ status: confirmedStatusOfType, detail: null, completed_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .returningAll()
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toAction(row)] : [];
  });
}

/**
 * Claims due pending actions for one delivery attempt each: the claim pushes next_attempt_at
 * past the lease, so neither this replica's next poll nor another replica (SKIP LOCKED while the
 * claim commits, the lease afterwards) takes them while they are being delivered.
 */
export async function claimDueActions(db: Executor, limit: number, leaseMs: number): Promise<Action[]> {
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
  return rows.rows.map(toAction);
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

export async function findAction(db: Executor, id: number): Promise<Action | undefined> {
  const row = await db.selectFrom('login_action').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAction(row);
}

/** Writes actions that follow no login (a settings change's notices, a verification link). */
export async function insertActions(db: Executor, list: NewAction[]): Promise<Action[]> {
  if (list.length === 0) return [];
  const rows = await db.insertInto('login_action').values(actionValues(list)).returningAll().execute();
  return rows.map(toAction);
}

/** Why a notice was not sent: too many to the account (its channel) or to the number this hour. */
export type CapReason = 'notice_cap_account' | 'notice_cap_number';

/**
 * Counts a notice against the hourly caps and marks it counted, or returns the cap it would
 * exceed. Serialised per account and per number (advisory locks taken in that order, so two
 * claims cannot deadlock) so notices delivered at the same moment cannot all slip under a cap.
 * `exempt` notices (lock notices) are always counted in and never refused.
 */
export async function reserveNotice(
  db: Db,
  a: { id: number; accountId: string; channel: 'email' | 'sms'; to: string },
  caps: { perAccount: number; perNumber: number; exempt: boolean },
): Promise<CapReason | null> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`account-guard:cap:${a.accountId}`}, 0))`.execute(
      trx,
    );
    if (a.channel === 'sms')
      await sql`select pg_advisory_xact_lock(hashtextextended(${`account-guard:cap-sms:${a.to}`}, 0))`.execute(
        trx,
      );
    if (!caps.exempt) {
      const byAccount = await sql<{ n: string }>`
        select count(*) as n from login_action
         where account_id = ${a.accountId} and channel = ${a.channel}
           and reserved_at > now() - interval '1 hour' and id <> ${a.id}`.execute(trx);
      if (Number(byAccount.rows[0]!.n) >= caps.perAccount) return 'notice_cap_account';
      if (a.channel === 'sms') {
        const byNumber = await sql<{ n: string }>`
          select count(*) as n from login_action
           where channel = 'sms' and payload->>'to' = ${a.to}
             and reserved_at > now() - interval '1 hour' and id <> ${a.id}`.execute(trx);
        if (Number(byNumber.rows[0]!.n) >= caps.perNumber) return 'notice_cap_number';
      }
    }
    await trx
      .updateTable('login_action')
      .set({ reserved_at: sql`now()` })
      .where('id', '=', a.id)
      .execute();
    return null;
  });
}

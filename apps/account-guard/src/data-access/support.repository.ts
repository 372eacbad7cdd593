import { sql } from 'kysely';
import type { ActionStatus, ActionType, Channel, FiredSignal, Policy, Verdict } from '../domain/types';
import type { Executor } from './db';

/**
 * A keyset position in one of support's lists: the row's time as Postgres holds it (microseconds,
 * UTC, `2026-12-03T10:00:00.123456Z`: a JavaScript Date would cut it to milliseconds and the next
 * page would repeat or skip rows) and its id.
 */
export interface ListPosition {
  at: string;
  id: string;
}

/** The exact text of a timestamptz column, for a ListPosition. */
const exactTime = (column: string) =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface LockedAccountRow {
  accountId: string;
  lockedAt: Date;
  reason: string;
  lockedBy: string;
  loginId: string | null;
  position: ListPosition;
}

/**
 * Locked accounts, newest lock first (ties by account id, descending), strictly after `after` in
 * that order: a backward scan of index account_lock_newest.
 */
export async function listLockedAccounts(
  db: Executor,
  opts: { limit: number; after?: ListPosition },
): Promise<LockedAccountRow[]> {
  let q = db
    .selectFrom('account_lock')
    .select([
      'account_id',
      'locked_at',
      'reason',
      'locked_by',
      'login_id',
      exactTime('locked_at').as('at_key'),
    ]);
  const after = opts.after;
  if (after)
    q = q.where((eb) =>
      eb(
        eb.refTuple('locked_at', 'account_id'),
        '<',
        eb.tuple(sql<Date>`${after.at}::timestamptz`, after.id),
      ),
    );
  const rows = await q.orderBy('locked_at', 'desc').orderBy('account_id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    lockedAt: r.locked_at,
    reason: r.reason,
    lockedBy: r.locked_by,
    loginId: r.login_id,
    position: { at: r.at_key, id: r.account_id },
  }));
}

export interface AlertRow {
  loginId: string;
  accountId: string;
  loggedInAt: Date;
  decidedAt: Date;
  ip: string;
  country: string | null;
  verdict: Verdict;
  risk: number;
  reasons: string[];
  signals: FiredSignal[];
  policy: Policy;
  actions: { type: ActionType; channel: Channel | null; status: ActionStatus }[];
  answer: 'me' | 'not_me' | null;
  answeredAt: Date | null;
  position: ListPosition;
}

/**
 * `suspicious` and `unusual` decisions made at or after `since`, newest first (ties by login id,
 * descending), strictly after `after`: a scan of the partial index login_decision_alerts, with
 * the player's answer (login_feedback). Their actions come in a second query, for the page only.
 */
export async function listAlerts(
  db: Executor,
  opts: { since: Date; limit: number; after?: ListPosition },
): Promise<AlertRow[]> {
  let q = db
    .selectFrom('login_decision as d')
    .leftJoin('login_feedback as f', 'f.login_id', 'd.login_id')
    .select([
      'd.login_id',
      'd.account_id',
      'd.logged_in_at',
      'd.decided_at',
      'd.ip',
      'd.country',
      'd.verdict',
      'd.risk',
      'd.reasons',
      'd.signals',
      'd.policy',
      'f.answer',
      'f.answered_at',
      exactTime('d.decided_at').as('at_key'),
    ])
    // Written out (not as parameters) so the planner matches login_decision_alerts' predicate.
    .where(sql<boolean>`d.verdict in ('suspicious', 'unusual')`)
    .where('d.decided_at', '>=', opts.since);
  const after = opts.after;
  if (after)
    q = q.where((eb) =>
      eb(
        eb.refTuple('d.decided_at', 'd.login_id'),
        '<',
        eb.tuple(sql<Date>`${after.at}::timestamptz`, after.id),
      ),
    );
  const rows = await q
    .orderBy('d.decided_at', 'desc')
    .orderBy('d.login_id', 'desc')
    .limit(opts.limit)
    .execute();
  const actions = await actionsOf(
    db,
    rows.map((r) => r.login_id),
  );
  return rows.map((r) => ({
    loginId: r.login_id,
    accountId: r.account_id,
    loggedInAt: r.logged_in_at,
    decidedAt: r.decided_at,
    ip: r.ip,
    country: r.country,
    verdict: r.verdict,
    risk: r.risk ?? 0,
    reasons: r.reasons,
    signals: r.signals ?? [],
    policy: r.policy,
    actions: actions.get(r.login_id) ?? [],
    answer: r.answer,
    answeredAt: r.answered_at,
    position: { at: r.at_key, id: r.login_id },
  }));
}

/** The actions of these logins (not of settings changes or verifications), each login's in id order. */
async function actionsOf(db: Executor, loginIds: string[]) {
  const out = new Map<string, AlertRow['actions']>();
  if (loginIds.length === 0) return out;
  const rows = await db
    .selectFrom('login_action')
    .select(['login_id', 'type', 'channel', 'status'])
    .where('origin', '=', 'login')
    .where('login_id', 'in', loginIds)
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.login_id) ?? [];
    list.push({ type: r.type, channel: r.channel, status: r.status });
    out.set(r.login_id, list);
  }
  return out;
}

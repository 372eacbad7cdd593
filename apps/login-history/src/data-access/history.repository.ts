import { Kysely, sql } from 'kysely';
import type { DB } from './tables';
import type { HistoryItem } from '../domain/history';
import type { CursorPosition } from '../domain/cursor';

type Db = Kysely<DB>;

/**
 * One page of an account's history, newest first, strictly after `before` in that order. An
 * index scan (backwards) of each partition's primary key; the explicit time bound also lets the
 * planner skip partitions newer than the cursor.
 */
export function historyPageQuery(
  db: Db,
  accountId: string,
  opts: { limit: number; before?: CursorPosition },
) {
  let q = db
    .selectFrom('logins')
    .select([
      'id',
      'login_id',
      'logged_in_at',
      sql<string>`host(ip)`.as('ip'),
      'country',
      'client_platform',
      'client_version',
      'result',
      'failure_reason',
    ])
    .where('account_id', '=', accountId);
  const before = opts.before;
  if (before) {
    q = q
      .where('logged_in_at', '<=', before.loggedInAt)
      .where((eb) => eb(eb.refTuple('logged_in_at', 'id'), '<', eb.tuple(before.loggedInAt, before.id)));
  }
  return q.orderBy('logged_in_at', 'desc').orderBy('id', 'desc').limit(opts.limit);
}

export async function listLogins(
  db: Db,
  accountId: string,
  opts: { limit: number; before?: CursorPosition },
): Promise<HistoryItem[]> {
  const rows = await historyPageQuery(db, accountId, opts).execute();
  return rows.map((r) => ({
    id: r.id,
    loginId: r.login_id,
    loggedInAt: r.logged_in_at,
    ip: r.ip,
    country: r.country,
    platform: r.client_platform,
    version: r.client_version,
    result: r.result,
    reason: r.failure_reason,
  }));
}

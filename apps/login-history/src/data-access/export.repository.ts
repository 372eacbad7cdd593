import { Kysely, sql } from 'kysely';
import type { DB } from './tables';
import type { CursorPosition } from '../domain/cursor';
import type { HistoryExtra } from '../domain/history';

/** One successful login as the export reads it: its row, its recorded facts, its published data. */
export interface ExportRow {
  loginId: string;
  recordId: string;
  accountId: string;
  loggedInAt: Date;
  ip: string;
  country: string | null;
  platform: string;
  version: string;
  newCountry: boolean;
  previous: { loggedInAt: Date; ip: string; country: string | null } | null;
  extra: HistoryExtra | null;
  /** The login.recorded data as published (no history, no device id); null on older rows. */
  eventData: Record<string, unknown> | null;
}

/** A chunk: its successful logins, how many recorded logins it went over, and the last of them. */
export interface ExportChunk {
  rows: ExportRow[];
  scanned: number;
  last: CursorPosition | null;
}

/**
 * The next `limit` recorded logins with `from <= logged_in_at < to` in (time, record id) order,
 * strictly after `after`, and of those the successful ones (failures are recorded too). The
 * candidates come first, by recorded_logins' (logged_in_at, record_id) index, and each then
 * finds its row by the logins primary key (a lateral lookup, so the planner never joins the
 * whole window to pick a chunk of it): the cost of a chunk does not grow with the window.
 */
export async function exportChunk(
  db: Kysely<DB>,
  opts: { from: Date; to: Date; after?: CursorPosition; limit: number },
): Promise<ExportChunk> {
  let candidates = db
    .selectFrom('recorded_logins as r')
    .select([
      'r.login_id',
      'r.record_id',
      'r.account_id',
      'r.logged_in_at',
      'r.new_country',
      'r.previous_logged_in_at',
      sql<string | null>`host(r.previous_ip)`.as('previous_ip'),
      'r.previous_country',
      'r.history',
      'r.event_data',
    ])
    .where('r.logged_in_at', '>=', opts.from)
    .where('r.logged_in_at', '<', opts.to);
  const after = opts.after;
  if (after) {
    candidates = candidates
      .where('r.logged_in_at', '>=', after.loggedInAt)
      .where((eb) =>
        eb(eb.refTuple('r.logged_in_at', 'r.record_id'), '>', eb.tuple(after.loggedInAt, after.id)),
      );
  }
  const query = db
    .selectFrom(candidates.orderBy('r.logged_in_at').orderBy('r.record_id').limit(opts.limit).as('c'))
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('logins as l')
          .select([
            sql<string>`host(l.ip)`.as('ip'),
            'l.country',
            'l.client_platform',
            'l.client_version',
            'l.result',
          ])
          .whereRef('l.account_id', '=', 'c.account_id')
          .whereRef('l.logged_in_at', '=', 'c.logged_in_at')
          .whereRef('l.id', '=', 'c.record_id')
          .limit(1)
          .as('l'),
      (join) => join.onTrue(),
    )
    .selectAll('c')
    .select(['l.ip', 'l.country', 'l.client_platform', 'l.client_version', 'l.result'])
    .orderBy('c.logged_in_at')
    .orderBy('c.record_id');
  // Logins newer than the table's last ANALYZE look like a handful of rows to the planner, which
  // then sorts the rest of the window for every chunk (a bitmap scan and a top-N sort: the
  // export turns quadratic). Without sorts it walks the (logged_in_at, record_id) index, in order,
  // and stops at the chunk's end, whatever the statistics. The settings end with the transaction.
  const rows = await db.transaction().execute(async (trx) => {
    await sql`set local enable_sort = off`.execute(trx);
    await sql`set local enable_incremental_sort = off`.execute(trx);
    return trx.executeQuery(query.compile());
  });
  const found = rows.rows;
  const lastRow = found[found.length - 1];
  return {
    scanned: found.length,
    last: lastRow ? { loggedInAt: lastRow.logged_in_at, id: lastRow.record_id } : null,
    rows: found.flatMap((r) =>
      r.result !== 'succeeded' || r.ip === null
        ? []
        : [
            {
              loginId: r.login_id,
              recordId: r.record_id,
              accountId: r.account_id,
              loggedInAt: r.logged_in_at,
              ip: r.ip,
              country: r.country ?? null,
              platform: r.client_platform!,
              version: r.client_version!,
              newCountry: r.new_country,
              previous:
                r.previous_logged_in_at && r.previous_ip
                  ? { loggedInAt: r.previous_logged_in_at, ip: r.previous_ip, country: r.previous_country }
                  : null,
              extra: (r.history as HistoryExtra | null) ?? null,
              eventData: (r.event_data as Record<string, unknown> | null) ?? null,
            },
          ],
    ),
  };
}

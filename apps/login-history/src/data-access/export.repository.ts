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

/**
 * Successful logins with `from <= logged_in_at < to`, in (time, record id) order, strictly after
 * `after`, at most `limit`. A walk of recorded_logins' (logged_in_at, record_id) index, each row
 * joined to its partition row by the logins primary key.
 */
export async function exportChunk(
  db: Kysely<DB>,
  opts: { from: Date; to: Date; after?: CursorPosition; limit: number },
): Promise<ExportRow[]> {
  let q = db
    .selectFrom('recorded_logins as r')
    .innerJoin('logins as l', (j) =>
      j
        .onRef('l.account_id', '=', 'r.account_id')
        .onRef('l.logged_in_at', '=', 'r.logged_in_at')
        .onRef('l.id', '=', 'r.record_id'),
    )
    .select([
      'r.login_id',
      'r.record_id',
      'r.account_id',
      'r.logged_in_at',
      sql<string>`host(l.ip)`.as('ip'),
      'l.country',
      'l.client_platform',
      'l.client_version',
      'r.new_country',
      'r.previous_logged_in_at',
      sql<string | null>`host(r.previous_ip)`.as('previous_ip'),
      'r.previous_country',
      'r.history',
      'r.event_data',
    ])
    .where('l.result', '=', 'succeeded')
    .where('r.logged_in_at', '>=', opts.from)
    .where('r.logged_in_at', '<', opts.to);
  const after = opts.after;
  if (after) {
    q = q
      .where('r.logged_in_at', '>=', after.loggedInAt)
      .where((eb) =>
        eb(eb.refTuple('r.logged_in_at', 'r.record_id'), '>', eb.tuple(after.loggedInAt, after.id)),
      );
  }
  const rows = await q.orderBy('r.logged_in_at').orderBy('r.record_id').limit(opts.limit).execute();
  return rows.map((r) => ({
    loginId: r.login_id,
    recordId: r.record_id,
    accountId: r.account_id,
    loggedInAt: r.logged_in_at,
    ip: r.ip,
    country: r.country,
    platform: r.client_platform,
    version: r.client_version,
    newCountry: r.new_country,
    previous:
      r.previous_logged_in_at && r.previous_ip
        ? { loggedInAt: r.previous_logged_in_at, ip: r.previous_ip, country: r.previous_country }
        : null,
    extra: (r.history as HistoryExtra | null) ?? null,
    eventData: (r.event_data as Record<string, unknown> | null) ?? null,
  }));
}

import type { ExportEnd, ExportedLogin } from '@account-security/shared';
import type { Kysely } from 'kysely';
import type { DB } from '../../data-access/tables';
import { ExportRow, exportChunk } from '../../data-access/export.repository';
import { CursorPosition, encodeCursor } from '../../domain/cursor';

/** Rows read from Postgres per query: what the export holds in memory at most, whatever the page. */
export const EXPORT_CHUNK_ROWS = 500;

/** A login as account-guard received it in login.recorded: the stored data and the stored facts. */
export function toExportedLogin(r: ExportRow): ExportedLogin {
  const history = {
    recordId: r.recordId,
    newCountry: r.newCountry,
    previous: r.previous && {
      country: r.previous.country,
      ip: r.previous.ip,
      loggedInAt: r.previous.loggedInAt.toISOString(),
    },
    ...(r.extra ?? {}),
  };
  const base = { loginEventId: r.loginId, recordId: r.recordId, loggedInAt: r.loggedInAt.toISOString() };
  if (r.eventData) return { ...base, data: { ...(r.eventData as ExportedLogin['data']), history } };
  return {
    ...base,
    partial: true,
    data: {
      accountId: r.accountId,
      ip: r.ip,
      client: { platform: r.platform, version: r.version },
      geo: { country: r.country },
      history,
    },
  };
}

/**
 * One page of the export: the window's successful logins after `after`, oldest first, at most
 * `limit`, read EXPORT_CHUNK_ROWS recorded logins at a time (the caller pulls the next line only
 * when it has written the last), then the end line with the cursor of the next page: null when
 * no successful login of the window follows.
 */
export async function* exportLogins(
  db: Kysely<DB>,
  opts: { from: Date; to: Date; after?: CursorPosition; limit: number },
): AsyncGenerator<ExportedLogin | ExportEnd> {
  const window = { from: opts.from, to: opts.to };
  let after = opts.after;
  let served = 0;
  while (served < opts.limit) {
    const want = Math.min(EXPORT_CHUNK_ROWS, opts.limit - served);
    const chunk = await exportChunk(db, { ...window, after, limit: want });
    for (const r of chunk.rows) yield toExportedLogin(r);
    served += chunk.rows.length;
    if (chunk.scanned < want || !chunk.last) {
      yield { nextCursor: null };
      return;
    }
    after = chunk.last;
  }
  // The page is full, and its last login is the last one looked at: does a successful one follow?
  const end = after!;
  for (let from = end; ;) {
    const next = await exportChunk(db, { ...window, after: from, limit: EXPORT_CHUNK_ROWS });
    if (next.rows.length > 0) {
      yield { nextCursor: encodeCursor(end) };
      return;
    }
    if (next.scanned < EXPORT_CHUNK_ROWS || !next.last) {
      yield { nextCursor: null };
      return;
    }
    from = next.last;
  }
}

import type { LOGIN_FAILURE_REASONS, LoginPage } from '@account-security/shared';

type LoginFailureReason = (typeof LOGIN_FAILURE_REASONS)[number];
import type { Kysely } from 'kysely';
import type { DB } from '../../data-access/tables';
import { listLogins } from '../../data-access/history.repository';
import { CursorPosition, encodeCursor } from '../../domain/cursor';

/** One page of an account's history, newest first, and the cursor of the next page (null on the last). */
export async function listHistory(
  db: Kysely<DB>,
  accountId: string,
  opts: { limit: number; before?: CursorPosition },
): Promise<LoginPage> {
  // One more than asked tells whether another page follows.
  const rows = await listLogins(db, accountId, { limit: opts.limit + 1, before: opts.before });
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      loggedInAt: r.loggedInAt.toISOString(),
      ip: r.ip,
      country: r.country,
      client: { platform: r.platform, version: r.version },
      result: r.result,
      ...(r.result === 'failed' && r.reason !== null && { reason: r.reason as LoginFailureReason }),
    })),
    nextCursor:
      rows.length > opts.limit && last ? encodeCursor({ loggedInAt: last.loggedInAt, id: last.id }) : null,
  };
}

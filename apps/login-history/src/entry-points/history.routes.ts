import { z } from 'zod';
import {
  HttpError,
  ServiceParts,
  TokenVerifier,
  accountId,
  assertAccountAccess,
  badRequest,
  isTransientDbError,
  parseInput,
  requireAuth,
} from '@account-security/shared';
import type { Kysely } from 'kysely';
import type { DB } from '../data-access/schema';
import { listLogins } from '../data-access/logins.repository';
import { decodeCursor, encodeCursor } from '../domain/cursor';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const paramsSchema = z.object({ accountId });
const querySchema = z.object({
  limit: z.coerce
    .number({ message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
    .int({ message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
    .min(1, { message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
    .max(MAX_PAGE_SIZE, { message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string({ message: 'must be a cursor from a previous page' }).optional(),
});

/** The express app the shared runtime hands to `routes`. */
type App = Parameters<NonNullable<ServiceParts['routes']>>[0];

export function registerHistoryRoutes(app: App, deps: { db: Kysely<DB>; verify: TokenVerifier }): void {
  app.get('/v1/accounts/:accountId/logins', requireAuth(deps.verify), async (req, res) => {
    const params = parseInput(paramsSchema, req.params, 'params');
    assertAccountAccess(req.principal, params.accountId);
    const query = parseInput(querySchema, req.query, 'query');
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (before === null) throw badRequest('query.cursor', 'must be a cursor from a previous page');

    let rows;
    try {
      // One more than asked tells whether another page follows.
      rows = await listLogins(deps.db, params.accountId, { limit: query.limit + 1, before });
    } catch (err) {
      if (isTransientDbError(err))
        throw new HttpError(503, 'UNAVAILABLE', 'login history is unavailable; try again');
      throw err;
    }
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    res.json({
      items: page.map((r) => ({
        id: r.id,
        loggedInAt: r.loggedInAt.toISOString(),
        ip: r.ip,
        country: r.country,
        client: { platform: r.platform, version: r.version },
      })),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor({ loggedInAt: last.loggedInAt, id: last.id }) : null,
    });
  });
}

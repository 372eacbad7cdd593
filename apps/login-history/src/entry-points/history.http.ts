import { z } from 'zod';
import {
  LoginPage,
  ServiceParts,
  TokenVerifier,
  accountId,
  assertAccountAccess,
  badRequest,
  parseInput,
  requireAuth,
} from '@account-security/shared';
import type { Kysely } from 'kysely';
import type { DB } from '../data-access/tables';
import { listHistory } from '../application/list-history/list-history.service';
import { decodeCursor } from '../domain/cursor';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

export const paramsSchema = z.object({ accountId });
export const querySchema = z.object({
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

    const page: LoginPage = await listHistory(deps.db, params.accountId, { limit: query.limit, before });
    res.json(page);
  });
}

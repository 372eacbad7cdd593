import {
  Principal,
  TokenVerifier,
  actor,
  assertSupport,
  badRequest,
  forbidden,
  parseInput,
  requireAuth,
} from '@account-security/shared';
import type { Express } from 'express';
import { z } from 'zod';
import type { AppContext } from '../application/context';
import { alertsPage, lockedAccountsPage } from '../application/support';
import { decodeCursor } from '../application/support/cursor';
import type { Actor } from '../domain/types';

const MAX_PAGE_SIZE = 200;
const pageSize = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;
const limit = z.coerce
  .number({ message: pageSize })
  .int({ message: pageSize })
  .min(1, { message: pageSize })
  .max(MAX_PAGE_SIZE, { message: pageSize })
  .default(50);
const cursor = z.string({ message: 'must be a cursor from a previous page' }).optional();

/** GET /v1/accounts: only the locked accounts are listed, for now (SPEC §9). */
export const lockedAccountsQuery = z.object({
  locked: z.literal('true', { message: 'must be true: only locked accounts are listed' }),
  limit,
  cursor,
});

/** GET /v1/logins/suspicious: `since` (default 7 days ago) bounds the decision time. */
export const alertsQuery = z.object({
  since: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-12-01T00:00:00Z' })
    .optional(),
  limit,
  cursor,
});

function staffOf(p: Principal | undefined): Actor {
  const staff = assertSupport(p);
  const by = `support:${staff.sub}`;
  if (!actor.safeParse(by).success) throw forbidden("the token's subject is not usable as a staff id");
  return by as Actor;
}

function positionOf(value: string | undefined) {
  if (value === undefined) return undefined;
  const position = decodeCursor(value);
  if (position === null) throw badRequest('query.cursor', 'must be a cursor from a previous page');
  return position;
}

/** SPEC §9: support's lists across accounts. Support only; every read is audited. */
export function registerSupportRoutes(app: Express, ctx: AppContext, verify: TokenVerifier): void {
  const auth = requireAuth(verify);

  app.get('/v1/accounts', auth, async (req, res) => {
    const staff = staffOf(req.principal);
    const q = parseInput(lockedAccountsQuery, req.query, 'query');
    const after = positionOf(q.cursor);
    res.json(await lockedAccountsPage(ctx, staff, { limit: q.limit, ...(after ? { after } : {}) }));
  });

  app.get('/v1/logins/suspicious', auth, async (req, res) => {
    const staff = staffOf(req.principal);
    const q = parseInput(alertsQuery, req.query, 'query');
    const after = positionOf(q.cursor);
    res.json(
      await alertsPage(ctx, staff, {
        limit: q.limit,
        ...(q.since !== undefined ? { since: new Date(q.since) } : {}),
        ...(after ? { after } : {}),
      }),
    );
  });
}

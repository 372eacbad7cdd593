import {
  Principal,
  TokenVerifier,
  actor,
  assertAccountAccess,
  assertSupport,
  forbidden,
  isSupport,
  parseInput,
  requireAuth,
} from '@account-security/shared';
import type { Express } from 'express';
import { auditPage } from '../application/audit';
import type { AppContext } from '../application/context';
import { getProtection, putProtection } from '../application/protection';
import { getStatus } from '../application/status';
import { unlockBySupport } from '../application/unlock';
import type { Actor } from '../domain/types';
import { accountParams, auditQuery, protectionBody, supportUnlockBody } from './request-schemas';

/** The audit trail's and the events' name for whoever holds this token. */
function actorOf(p: Principal): Actor {
  if (!isSupport(p)) return 'player';
  const by = `support:${p.sub}`;
  if (!actor.safeParse(by).success) throw forbidden("the token's subject is not usable as a staff id");
  return by as Actor;
}

/**
 * /v1/accounts/{accountId}/…: protection settings, status, support unlock, audit trail. Express 5
 * hands a rejected handler to the shared error middleware, which maps domain codes to statuses.
 */
export function registerAccountRoutes(app: Express, ctx: AppContext, verify: TokenVerifier): void {
  const auth = requireAuth(verify);
  const body = protectionBody(ctx.config.DEFAULT_LOCALE, ctx.config.TRAVEL_PASS_MAX_DAYS);

  app.get('/v1/accounts/:accountId/protection', auth, async (req, res) => {
    const { accountId } = parseInput(accountParams, req.params, 'params');
    assertAccountAccess(req.principal, accountId);
    res.json(await getProtection(ctx, accountId));
  });

  app.put('/v1/accounts/:accountId/protection', auth, async (req, res) => {
    const { accountId } = parseInput(accountParams, req.params, 'params');
    const principal = assertAccountAccess(req.principal, accountId);
    const settings = parseInput(body, req.body ?? {}, 'body');
    res.json(
      await putProtection(ctx, accountId, settings, {
        actor: actorOf(principal),
        authenticatedAt: principal.authTime ?? principal.issuedAt,
        verifiedEmail: principal.verifiedEmail,
      }),
    );
  });

  app.get('/v1/accounts/:accountId/status', auth, async (req, res) => {
    const { accountId } = parseInput(accountParams, req.params, 'params');
    assertAccountAccess(req.principal, accountId, ['service']);
    res.json(await getStatus(ctx, accountId));
  });

  app.post('/v1/accounts/:accountId/unlock', auth, async (req, res) => {
    const { accountId } = parseInput(accountParams, req.params, 'params');
    const staff = assertSupport(req.principal);
    const { reason } = parseInput(supportUnlockBody, req.body ?? {}, 'body');
    const unlocked = await unlockBySupport(ctx, accountId, actorOf(staff), reason);
    res.json({ accountId, locked: false, unlockedAt: unlocked.unlockedAt, by: unlocked.by });
  });

  app.get('/v1/accounts/:accountId/audit', auth, async (req, res) => {
    const { accountId } = parseInput(accountParams, req.params, 'params');
    assertSupport(req.principal);
    const { limit, cursor } = parseInput(auditQuery, req.query, 'query');
    res.json(await auditPage(ctx, accountId, limit, cursor));
  });
}

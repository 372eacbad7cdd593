import { DomainError, HttpError, parseInput } from '@account-security/shared';
import type { Express, Response } from 'express';
import type { AppContext } from '../application/context';
import { inspectUnlockToken, localeOfAccount, pageStateOf, redeemUnlockToken } from '../application/unlock';
import { UnlockPageView, renderUnlockPage } from '../domain/templates';
import type { Locale } from '../domain/types';
import { requestLocale, wantsHtml } from './pages';
import { tokenParams } from './request-schemas';
import { unlockRateLimits } from './unlock-rate-limit';

const PAGE_STATUS: Record<UnlockPageView['state'], number> = {
  confirm: 200,
  done: 200,
  not_found: 404,
  used: 409,
  expired: 410,
  not_locked: 409,
  support_only: 409,
  rate_limited: 429,
};

function sendPage(res: Response, view: UnlockPageView, locale: Locale): void {
  res.status(PAGE_STATUS[view.state]).type('html').send(renderUnlockPage(view, locale));
}

/**
 * The player's one-time unlock link: GET shows a confirmation page (reading only, so link
 * scanners in mail systems spend nothing), its button POSTs back to the same URL. Both are
 * rate-limited on failures only: unknown tokens per client address, a real token's refusals per
 * token and address (see unlockRateLimits), so guessing is stopped while a player with a good
 * link never is, even behind an address shared with the guesser. Browsers get pages for
 * refusals too; JSON clients get the shared error middleware's answer.
 */
export function registerUnlockRoutes(app: Express, ctx: AppContext): void {
  const { config } = ctx;
  const limiter = unlockRateLimits(ctx, (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (req.method === 'GET' || wantsHtml(req)) {
      sendPage(res, { state: 'rate_limited' }, requestLocale(req, config.DEFAULT_LOCALE));
      return;
    }
    next(new HttpError(429, 'RATE_LIMITED', 'too many failed unlock attempts; try again later'));
  });

  app.get('/v1/unlock/:token', ...limiter, async (req, res) => {
    const { token } = parseInput(tokenParams, req.params, 'params');
    res.set('Cache-Control', 'no-store');
    const found = await inspectUnlockToken(ctx, token);
    const locale = found.locale ?? requestLocale(req, config.DEFAULT_LOCALE);
    sendPage(res, { state: found.state, accountId: found.accountId, lockedAt: found.lockedAt }, locale);
  });

  app.post('/v1/unlock/:token', ...limiter, async (req, res) => {
    const { token } = parseInput(tokenParams, req.params, 'params');
    res.set('Cache-Control', 'no-store');
    const html = wantsHtml(req);
    try {
      const unlocked = await redeemUnlockToken(ctx, token);
      if (html) sendPage(res, { state: 'done' }, await localeOfAccount(ctx, unlocked.accountId));
      else res.json({ accountId: unlocked.accountId, locked: false, unlockedAt: unlocked.unlockedAt });
    } catch (err) {
      if (!(html && err instanceof DomainError)) throw err;
      sendPage(res, { state: pageStateOf(err) }, requestLocale(req, config.DEFAULT_LOCALE));
    }
  });
}

import { DomainError, HttpError, parseInput } from '@account-security/shared';
import type { Express, Response } from 'express';
import {
  contactLocaleOf,
  contactPageStateOf,
  inspectContactToken,
  verifyContact,
} from '../application/contacts';
import type { AppContext } from '../application/context';
import { ContactPageView, renderContactPage } from '../domain/templates';
import type { Locale } from '../domain/types';
import { requestLocale, wantsHtml } from './pages';
import { tokenParams } from './request-schemas';
import { oneTimeLinkRateLimits } from './unlock-rate-limit';
import { findContactToken } from '../data-access/contact-token.repository';
import { hashUnlockToken, isWellFormedUnlockToken } from '../domain/unlock-token';

const PAGE_STATUS: Record<ContactPageView['state'], number> = {
  confirm: 200,
  done: 200,
  not_found: 404,
  used: 409,
  expired: 410,
  superseded: 409,
  locked: 409,
  rate_limited: 429,
};

function sendPage(res: Response, view: ContactPageView, locale: Locale): void {
  res.status(PAGE_STATUS[view.state]).type('html').send(renderContactPage(view, locale));
}

/**
 * The verification link sent to a replacement email or phone, `{PUBLIC_URL}/v1/contacts/verify/{token}`
 * (SMS carries the same link): as with the unlock link, GET shows a confirmation page (reading
 * only, so mail scanners spend nothing) whose button POSTs back; JSON for API clients. Failed
 * attempts are limited like the unlock link's (its settings, counters of its own).
 */
export function registerContactRoutes(app: Express, ctx: AppContext): void {
  const { config } = ctx;
  // The unlock link's two budgets (guesses per address, a real link's refusals per link and
  // address), with its settings and counters of their own.
  const limiter = oneTimeLinkRateLimits({
    name: 'contact',
    limit: config.UNLOCK_RATE_LIMIT,
    windowMinutes: config.UNLOCK_RATE_WINDOW_MINUTES,
    identify: (token) => (isWellFormedUnlockToken(token) ? hashUnlockToken(token) : undefined),
    exists: async (hash) => (await findContactToken(ctx.db, hash)) !== undefined,
    onLimited: (req, res, next) => {
      res.set('Cache-Control', 'no-store');
      if (req.method === 'GET' || wantsHtml(req)) {
        sendPage(res, { state: 'rate_limited' }, requestLocale(req, config.DEFAULT_LOCALE));
        return;
      }
      next(new HttpError(429, 'RATE_LIMITED', 'too many failed verification attempts; try again later'));
    },
  });

  app.get('/v1/contacts/verify/:token', ...limiter, async (req, res) => {
    const { token } = parseInput(tokenParams, req.params, 'params');
    res.set('Cache-Control', 'no-store');
    const found = await inspectContactToken(ctx, token);
    const { locale, ...view } = found;
    sendPage(res, view, locale ?? requestLocale(req, config.DEFAULT_LOCALE));
  });

  app.post('/v1/contacts/verify/:token', ...limiter, async (req, res) => {
    const { token } = parseInput(tokenParams, req.params, 'params');
    res.set('Cache-Control', 'no-store');
    const html = wantsHtml(req);
    try {
      const verified = await verifyContact(ctx, token);
      if (html) sendPage(res, { state: 'done' }, await contactLocaleOf(ctx, verified.accountId));
      else res.json(verified);
    } catch (err) {
      if (!(html && err instanceof DomainError)) throw err;
      sendPage(res, { state: contactPageStateOf(err) }, requestLocale(req, config.DEFAULT_LOCALE));
    }
  });
}

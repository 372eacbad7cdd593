import {
  DomainError,
  HttpError,
  Principal,
  TokenVerifier,
  actor,
  assertAccountAccess,
  forbidden,
  identifier,
  isSupport,
  parseInput,
  requireAuth,
} from '@account-security/shared';
import { feedbackRequest } from '@account-security/shared/contracts';
import type { Express, NextFunction, Request, Response } from 'express';
import type { AppContext } from '../application/context';
import {
  answerByLink,
  answerByToken,
  feedbackPageStateOf,
  inspectAnswerLink,
  localeOfAccount,
} from '../application/feedback';
import { findFeedbackToken } from '../data-access/feedback.repository';
import { FeedbackPageView, renderFeedbackPage } from '../domain/templates';
import type { Actor, Locale } from '../domain/types';
import { hashUnlockToken, isWellFormedUnlockToken } from '../domain/unlock-token';
import { requestLocale, wantsHtml } from './pages';
import { accountParams, tokenParams } from './request-schemas';
import { oneTimeLinkRateLimits } from './unlock-rate-limit';

export { FEEDBACK_STATUSES } from '../domain/feedback';

export const loginFeedbackParams = accountParams.extend({ loginEventId: identifier(128) });

const PAGE_STATUS: Record<FeedbackPageView['state'], number> = {
  confirm: 200,
  done: 200,
  not_found: 404,
  used: 409,
  expired: 410,
  refused: 409,
  rate_limited: 429,
};

function sendPage(res: Response, view: FeedbackPageView, locale: Locale): void {
  res.status(PAGE_STATUS[view.state]).type('html').send(renderFeedbackPage(view, locale));
}

/** The audit trail's and the events' name for whoever holds this token (as in account.http.ts). */
function actorOf(p: Principal): Actor {
  if (!isSupport(p)) return 'player';
  const by = `support:${p.sub}`;
  if (!actor.safeParse(by).success) throw forbidden("the token's subject is not usable as a staff id");
  return by as Actor;
}

const FORM_LIMIT = 1024;

/**
 * The confirmation page's buttons post `answer=…` form-encoded (API clients send JSON, which the
 * shared app already parses). A small reader of its own: the form has one field, and express is
 * not this service's dependency (only the shared runtime's). Past FORM_LIMIT (declared or
 * read) it stops reading at once and answers 413, closing the connection: the rest of the body
 * is never read.
 */
function formBody(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('application/x-www-form-urlencoded')) return next();
  let size = 0;
  let settled = false;
  const chunks: Buffer[] = [];
  const finish = (err?: unknown) => {
    if (settled) return;
    settled = true;
    req.off('data', onData);
    next(err);
  };
  const tooLarge = () => {
    req.pause();
    res.set('Connection', 'close');
    finish(new HttpError(413, 'PAYLOAD_TOO_LARGE', 'the form is too large'));
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > FORM_LIMIT) return tooLarge();
    chunks.push(chunk);
  };
  if (Number(req.headers['content-length']) > FORM_LIMIT) return tooLarge();
  req.on('data', onData);
  req.on('error', finish);
  req.on('end', () => {
    if (settled) return;
    req.body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    finish();
  });
}

/**
 * SPEC §8, the player's answers to "was this you?":
 *
 * - `/v1/feedback/{token}`, the one-time link of a login's email/SMS notice: GET shows a page
 *   with both buttons (reading only, so mail scanners spend nothing), the buttons POST the
 *   answer back. Rate-limited on failures like the unlock link (same two budgets, own names).
 * - `/v1/accounts/{accountId}/logins/{loginEventId}/feedback`, bearer: the player themself or
 *   support. Not a settings change, so no fresh-token rule; "it was me" needs a player token
 *   issued before the login (FEEDBACK.TOKEN_TOO_NEW otherwise).
 */
export function registerFeedbackRoutes(app: Express, ctx: AppContext, verify: TokenVerifier): void {
  const { config } = ctx;
  const auth = requireAuth(verify);
  const limiter = oneTimeLinkRateLimits({
    name: 'feedback',
    limit: config.UNLOCK_RATE_LIMIT,
    windowMinutes: config.UNLOCK_RATE_WINDOW_MINUTES,
    identify: (token) => (isWellFormedUnlockToken(token) ? hashUnlockToken(token) : undefined),
    exists: async (hash) => (await findFeedbackToken(ctx.db, hash)) !== undefined,
    onLimited: (req, res, next) => {
      res.set('Cache-Control', 'no-store');
      if (req.method === 'GET' || wantsHtml(req)) {
        sendPage(res, { state: 'rate_limited' }, requestLocale(req, config.DEFAULT_LOCALE));
        return;
      }
      next(new HttpError(429, 'RATE_LIMITED', 'too many failed answer attempts; try again later'));
    },
  });

  app.get('/v1/feedback/:token', ...limiter, async (req, res) => {
    const { token } = parseInput(tokenParams, req.params, 'params');
    res.set('Cache-Control', 'no-store');
    const found = await inspectAnswerLink(ctx, token);
    const locale = found.locale ?? requestLocale(req, config.DEFAULT_LOCALE);
    const { locale: _l, ...view } = found;
    sendPage(res, { ...view, passDays: config.FEEDBACK_TRAVEL_PASS_DAYS }, locale);
  });

  app.post('/v1/feedback/:token', formBody, ...limiter, async (req, res) => {
    const { token } = parseInput(tokenParams, req.params, 'params');
    res.set('Cache-Control', 'no-store');
    const html = wantsHtml(req);
    try {
      const { answer } = parseInput(feedbackRequest, req.body ?? {}, 'body');
      const result = await answerByLink(ctx, token, answer);
      if (html) sendPage(res, { state: 'done', answer }, await localeOfAccount(ctx, result.accountId));
      else res.json(result);
    } catch (err) {
      if (!(html && err instanceof DomainError)) throw err;
      sendPage(res, { state: feedbackPageStateOf(err) }, requestLocale(req, config.DEFAULT_LOCALE));
    }
  });

  app.post('/v1/accounts/:accountId/logins/:loginEventId/feedback', auth, async (req, res) => {
    const { accountId, loginEventId } = parseInput(loginFeedbackParams, req.params, 'params');
    const principal = assertAccountAccess(req.principal, accountId);
    const { answer } = parseInput(feedbackRequest, req.body ?? {}, 'body');
    res.json(
      await answerByToken(ctx, {
        accountId,
        loginId: loginEventId,
        answer,
        by: actorOf(principal),
        issuedAt: principal.issuedAt,
      }),
    );
  });
}

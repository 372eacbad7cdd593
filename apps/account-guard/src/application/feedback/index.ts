import { DomainError } from '@account-security/shared';
import type { FeedbackAnswer, FeedbackResult } from '@account-security/shared/contracts';
import { appendAudit } from '../../data-access/audit.repository';
import {
  findAnsweredLogin,
  findFeedbackToken,
  lockFeedbackToken,
  markFeedbackTokenUsed,
} from '../../data-access/feedback.repository';
import { lockAccount } from '../../data-access/lock.repository';
import { NewAuditEntry, feedbackRefusedEntry } from '../../domain/audit';
import {
  feedbackLoginNotFound,
  feedbackTokenExpired,
  feedbackTokenNotFound,
  feedbackTokenTooNew,
  feedbackTokenUsed,
  mayAnswerMe,
} from '../../domain/feedback';
import type { FeedbackPageState } from '../../domain/templates';
import type { Actor, Locale } from '../../domain/types';
import { hashUnlockToken, isWellFormedUnlockToken } from '../../domain/unlock-token';
import type { AppContext } from '../context';
import { localeOfAccount } from '../unlock';
import { recordAnswer } from './answer';

export type FeedbackRoute = 'link' | 'api';

function counted(ctx: AppContext, route: FeedbackRoute, result: FeedbackResult): FeedbackResult {
  ctx.metrics.feedbackAnswers.inc({
    answer: result.answer,
    route,
    outcome: result.repeated ? 'repeated' : 'recorded',
  });
  if (result.effects.unlocked && !result.repeated)
    ctx.metrics.unlocks.inc({ by: result.by === 'player' ? 'player' : 'support' });
  if (!result.repeated) ctx.wakeWorker();
  return result;
}

/**
 * POST /v1/accounts/{accountId}/logins/{loginEventId}/feedback: the player themself or support.
 * "It was me" from a player token only when it was issued FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS
 * before the login (SPEC §8); such a refusal is audited (after the rolled-back transaction).
 */
export async function answerByToken(
  ctx: AppContext,
  q: { accountId: string; loginId: string; answer: FeedbackAnswer; by: Actor; issuedAt?: number },
): Promise<FeedbackResult> {
  const minAge = ctx.config.FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS;
  const result = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const login = await findAnsweredLogin(trx, q.accountId, q.loginId);
      if (!login) throw feedbackLoginNotFound();
      if (q.answer === 'me' && !mayAnswerMe(q.by, q.issuedAt, login.loggedInAt, minAge))
        throw feedbackTokenTooNew();
      return recordAnswer(ctx, trx, login, q.answer, q.by);
    })
    .catch(async (err: unknown) => {
      // Thrown only once the login was found on this account, so the entry names a real login.
      if (err instanceof DomainError && err.code === 'FEEDBACK.TOKEN_TOO_NEW')
        await appendAudit(ctx.db, feedbackRefusedEntry(q, err.code, q.by));
      throw err;
    });
  return counted(ctx, 'api', result);
}

type Redeemed =
  { ok: true; result: FeedbackResult } | { ok: false; error: DomainError; audit: NewAuditEntry };

/**
 * The one-time answer link: valid when it exists, is unused and has not expired. Spending it
 * and carrying out the answer happen in one transaction; a refusal is audited after it.
 */
export async function answerByLink(
  ctx: AppContext,
  token: string,
  answer: FeedbackAnswer,
): Promise<FeedbackResult> {
  if (!isWellFormedUnlockToken(token)) throw feedbackTokenNotFound();
  const hash = hashUnlockToken(token);
  const peek = await findFeedbackToken(ctx.db, hash);
  if (!peek) throw feedbackTokenNotFound();

  const outcome = await ctx.db
    .transaction()
    .execute(async (trx): Promise<Redeemed> => {
      await lockAccount(trx, peek.accountId);
      const t = (await lockFeedbackToken(trx, hash))!;
      const refuse = (error: DomainError): Redeemed => ({
        ok: false,
        error,
        audit: feedbackRefusedEntry(t, error.code),
      });
      if (t.used) return refuse(feedbackTokenUsed());
      if (t.expired) return refuse(feedbackTokenExpired());
      const login = await findAnsweredLogin(trx, t.accountId, t.loginId);
      if (!login) return refuse(feedbackLoginNotFound());
      await markFeedbackTokenUsed(trx, hash, ctx.clock());
      return { ok: true, result: await recordAnswer(ctx, trx, login, answer, 'player') };
    })
    .catch(async (err: unknown) => {
      // "Me" after "not me": the transaction rolled back, the link is not spent; on record still.
      if (err instanceof DomainError && err.code === 'FEEDBACK.ALREADY_NOT_ME')
        await appendAudit(ctx.db, feedbackRefusedEntry(peek, err.code));
      throw err;
    });

  if (!outcome.ok) {
    await appendAudit(ctx.db, outcome.audit);
    throw outcome.error;
  }
  return counted(ctx, 'link', outcome.result);
}

export interface LinkInspection {
  state: FeedbackPageState;
  locale: Locale | null;
  accountId?: string;
  country?: string | null;
  ip?: string;
  at?: string;
}

/** What the answer link's page shows; reads only, so link scanners spend nothing. */
export async function inspectAnswerLink(ctx: AppContext, token: string): Promise<LinkInspection> {
  if (!isWellFormedUnlockToken(token)) return { state: 'not_found', locale: null };
  const t = await findFeedbackToken(ctx.db, hashUnlockToken(token));
  if (!t) return { state: 'not_found', locale: null };
  const locale = await localeOfAccount(ctx, t.accountId);
  if (t.used) return { state: 'used', locale };
  if (t.expired) return { state: 'expired', locale };
  const login = await findAnsweredLogin(ctx.db, t.accountId, t.loginId);
  if (!login) return { state: 'not_found', locale };
  return {
    state: 'confirm',
    locale,
    accountId: login.accountId,
    country: login.country,
    ip: login.ip,
    at: login.loggedInAt.toISOString(),
  };
}

/** The page state for a refusal's error code. */
export function feedbackPageStateOf(error: DomainError): FeedbackPageState {
  switch (error.code) {
    case 'FEEDBACK.TOKEN_USED':
      return 'used';
    case 'FEEDBACK.TOKEN_EXPIRED':
      return 'expired';
    case 'FEEDBACK.ALREADY_NOT_ME':
      return 'refused';
    default:
      return 'not_found';
  }
}

export { localeOfAccount };

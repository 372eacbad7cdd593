import type { NextFunction, Request, RequestHandler, Response } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import type { AppContext } from '../application/context';
import { findToken } from '../data-access/unlock-token.repository';
import { hashUnlockToken, isWellFormedUnlockToken } from '../domain/unlock-token';

/** Set by `classify`: the request's token was issued by us (used, expired or still good). */
const KNOWN = 'unlockTokenKnown';
const HASH = 'unlockTokenHash';

/**
 * The unlock link's two failure budgets, both per window of UNLOCK_RATE_WINDOW_MINUTES and both
 * counting only refused requests (an opened or redeemed link never costs anything):
 *
 * - **guesses**, keyed on the client address: tokens we never issued. UNLOCK_RATE_LIMIT of them,
 *   then every unknown token from that address gets 429: guessing is stopped.
 * - **per link**, keyed on the token hash plus the client address: refusals of one real token
 *   (used, expired, lock ended). A real link never draws on the address's guess budget, so a
 *   guesser behind the same proxy or carrier NAT cannot lock its owner out.
 *
 * A limited guesser still learns that a token exists by not getting a 429; with 256-bit tokens
 * that tells it nothing it could find, and it is the price of real links working behind shared
 * addresses. Which bucket applies takes one indexed lookup by hash, done before either counts.
 */
export function unlockRateLimits(ctx: AppContext, onLimited: RequestHandler): RequestHandler[] {
  return oneTimeLinkRateLimits({
    name: 'unlock',
    limit: ctx.config.UNLOCK_RATE_LIMIT,
    windowMinutes: ctx.config.UNLOCK_RATE_WINDOW_MINUTES,
    identify: (token) => (isWellFormedUnlockToken(token) ? hashUnlockToken(token) : undefined),
    exists: async (hash) => (await findToken(ctx.db, hash)) !== undefined,
    onLimited,
  });
}

export interface OneTimeLinkLimitOptions {
  /** Names the limits in the RateLimit headers (`<name>-guesses`, `<name>-per-link`). */
  name: string;
  /** Refused requests per window, for each of the two budgets. */
  limit: number;
  windowMinutes: number;
  /** The stored hash of a well-formed token from `:token`; undefined for one that cannot be ours. */
  identify: (token: string) => string | undefined;
  /** Whether a token with this hash was ever issued (spent and expired ones count). */
  exists: (hash: string) => Promise<boolean>;
  onLimited: RequestHandler;
}

/** The two budgets described at unlockRateLimits, for any link whose `:token` is stored as a hash. */
export function oneTimeLinkRateLimits(opts: OneTimeLinkLimitOptions): RequestHandler[] {
  const address = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
  const common = {
    windowMs: opts.windowMinutes * 60_000,
    limit: opts.limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8' as const,
    legacyHeaders: false,
    handler: (req: Request, res: Response, next: NextFunction) => opts.onLimited(req, res, next),
  };

  const classify = async (req: Request, res: Response, next: NextFunction) => {
    const token = typeof req.params.token === 'string' ? req.params.token : '';
    const hash = opts.identify(token);
    res.locals[HASH] = hash;
    res.locals[KNOWN] = hash !== undefined && (await opts.exists(hash));
    next();
  };

  const guesses = rateLimit({
    ...common,
    identifier: `${opts.name}-guesses`,
    keyGenerator: (req) => address(req),
    skip: (_req, res) => res.locals[KNOWN] === true,
  });

  const perLink = rateLimit({
    ...common,
    identifier: `${opts.name}-per-link`,
    keyGenerator: (req, res) => `${address(req)}|${res.locals[HASH] as string}`,
    // Unknown tokens are the guess budget's; keying them here too would let a flood of distinct
    // guesses fill this store with one entry each.
    skip: (_req, res) => res.locals[KNOWN] !== true,
  });

  return [classify, guesses, perLink];
}

import type { Request, Response } from 'express';
import { HttpError } from './errors';

/**
 * A fixed-window counter per key, held in memory and bounded in size. One process's view only:
 * with N replicas a key may get N times the limit, which is fine for a limit meant to stop one
 * client from monopolising a replica, not to meter an exact quota.
 */
export interface RateLimitVerdict {
  allowed: boolean;
  /** Requests left in this window after this one (0 once limited). */
  remaining: number;
  /** Seconds until the window ends and the key may try again. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Counts one request for `key` and says whether it is within the limit. */
  hit(key: string): RateLimitVerdict;
  /** Keys tracked right now (for tests and metrics). */
  size(): number;
}

export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  /**
   * Upper bound of keys kept. Past it the oldest window is forgotten: that key starts afresh,
   * which lets a flood of distinct keys cost memory up to this bound and no further.
   */
  maxKeys?: number;
  clock?: () => number;
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const { limit, windowMs } = opts;
  if (!(limit >= 1) || !(windowMs >= 1)) throw new Error('a rate limit needs limit ≥ 1 and windowMs ≥ 1');
  const maxKeys = opts.maxKeys ?? 100_000;
  const clock = opts.clock ?? Date.now;
  // Insertion order is window-start order (a key is re-inserted when its window restarts), so the
  // front of the map always holds the windows that end first: eviction only ever looks there.
  const windows = new Map<string, { count: number; resetAt: number }>();

  const evict = (now: number) => {
    for (const [key, w] of windows) {
      if (w.resetAt > now && windows.size <= maxKeys) break;
      windows.delete(key);
    }
  };

  return {
    limit,
    windowMs,
    size: () => windows.size,
    hit(key) {
      const now = clock();
      let w = windows.get(key);
      if (!w || w.resetAt <= now) {
        if (w) windows.delete(key);
        w = { count: 0, resetAt: now + windowMs };
        windows.set(key, w);
        evict(now);
      }
      w.count++;
      const allowed = w.count <= limit;
      return {
        allowed,
        remaining: Math.max(0, limit - w.count),
        retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)),
      };
    },
  };
}

/** Where createHttpApp keeps the per-subject limits `requireAuth` consults (`app.locals`). */
export const SUBJECT_RATE_LIMITS = 'subjectRateLimits';

/** Requests a minute one token subject may make, when the service does not say otherwise. */
export const DEFAULT_AUTH_RATE_LIMIT_PER_MINUTE = 120;
/**
 * The same for a `service` token (a game login server asking for a player's lock status before
 * each login): one subject speaks for many players, so its budget is that of a busy login server.
 */
export const DEFAULT_AUTH_SERVICE_RATE_LIMIT_PER_MINUTE = 60_000;

export interface SubjectRateLimits {
  /** The limiter that counts requests of a principal with these roles. */
  forRoles(roles: readonly string[]): RateLimiter;
}

/** Per-`sub` limits of authenticated routes: `perMinute` for players and staff, `servicePerMinute` for `service` tokens. */
export function subjectRateLimits(
  opts: { perMinute?: number; servicePerMinute?: number } = {},
): SubjectRateLimits {
  const people = createRateLimiter({
    limit: opts.perMinute ?? DEFAULT_AUTH_RATE_LIMIT_PER_MINUTE,
    windowMs: 60_000,
  });
  const services = createRateLimiter({
    limit: opts.servicePerMinute ?? DEFAULT_AUTH_SERVICE_RATE_LIMIT_PER_MINUTE,
    windowMs: 60_000,
  });
  return { forRoles: (roles) => (roles.includes('service') ? services : people) };
}

/**
 * Counts one authenticated request of `sub` against the app's per-subject limits (made on first
 * use when the app was not built by createHttpApp). Over the limit: sets Retry-After and returns
 * the 429 to pass on, in the suite's error shape.
 */
export function subjectLimitExceeded(
  req: Request,
  res: Response,
  principal: { sub: string; roles: readonly string[] },
): HttpError | undefined {
  const locals = req.app.locals as Record<string, unknown>;
  const limits = (locals[SUBJECT_RATE_LIMITS] ??= subjectRateLimits()) as SubjectRateLimits;
  const limiter = limits.forRoles(principal.roles);
  const verdict = limiter.hit(principal.sub);
  if (verdict.allowed) return undefined;
  res.set('Retry-After', String(verdict.retryAfterSeconds));
  return new HttpError(
    429,
    'RATE_LIMITED',
    `more than ${limiter.limit} requests a minute for this token's subject; try again in ${verdict.retryAfterSeconds} s`,
  );
}

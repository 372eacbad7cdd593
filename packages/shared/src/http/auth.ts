import type { NextFunction, Request, Response } from 'express';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { forbidden, unauthorized } from './errors';
import { subjectLimitExceeded } from './rate-limit';

export interface Principal {
  sub: string;
  roles: string[];
  /** `iat`, seconds since the epoch: when the token was issued. */
  issuedAt?: number;
  /** `auth_time`, seconds since the epoch: when the user last proved who they are (else `issuedAt`). */
  authTime?: number;
  /** `email` with `email_verified: true`: an address the identity provider vouches for. */
  verifiedEmail?: string;
}

export interface AuthOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** JWKS endpoint for RS256/ES256/PS256 tokens from an identity provider. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Oldest `iat` accepted, in seconds (default 24 h); a token without `iat` is refused. */
  maxTokenAgeSeconds?: number;
  /** Refuses plain-http JWKS URLs even on loopback (default: `NODE_ENV === 'production'`). */
  production?: boolean;
  /** Least time between two JWKS fetches caused by unknown `kid`s or by a failed fetch (default 30 s). */
  jwksCooldownMs?: number;
  /** How long a fetched key set is used before it is refreshed (default 10 min). */
  jwksCacheMaxAgeMs?: number;
  /** One JWKS fetch's time limit (default 5 s). */
  jwksTimeoutMs?: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export type TokenVerifier = (token: string) => Promise<Principal>;

export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 24 * 3600;
const CLOCK_TOLERANCE_SECONDS = 5;
const JWKS_ALGORITHMS = ['RS256', 'ES256', 'PS256'];
const SECRET_ALGORITHMS = ['HS256'];
const KID = /^[A-Za-z0-9_.-]{1,128}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why a JWKS URL is not acceptable, or undefined. Keys fetched over plain http could be swapped by
 * anyone on the path, so only https is accepted, except a loopback host outside production (tests,
 * a local identity provider).
 */
export function jwksUrlProblem(url: string, production: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be a URL';
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && !production && LOOPBACK_HOSTS.has(u.hostname)) return undefined;
  return production
    ? 'must use https in production'
    : 'must use https (plain http only for 127.0.0.1, localhost or ::1 outside production)';
}

/**
 * jose's remote key set, plus what it lacks: jose keeps the last keys when a fetch fails, but
 * once they are older than cacheMaxAge every lookup waits for a fresh fetch and fails with it, and
 * a failed fetch starts no cooldown (each unknown `kid` during an outage fetches again). Here a
 * failed fetch puts the set on the last good keys, without fetching, for one cooldown.
 */
function resilientRemoteKeySet(
  url: URL,
  o: { cooldownMs: number; cacheMaxAgeMs: number; timeoutMs: number },
): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, {
    cooldownDuration: o.cooldownMs,
    cacheMaxAge: o.cacheMaxAgeMs,
    timeoutDuration: o.timeoutMs,
  });
  let failedAt = -Infinity;
  let lastGood: JWTVerifyGetKey | undefined;
  return async (header, token) => {
    if (Date.now() - failedAt < o.cooldownMs) {
      if (!lastGood) throw new errors.JWKSNoMatchingKey('no JSON Web Key Set fetched yet');
      return lastGood(header, token);
    }
    try {
      return await remote(header, token);
    } catch (err) {
      // A lookup answer from a fetched set is final; anything else is the fetch (or the set) failing.
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
        throw err;
      }
      failedAt = Date.now();
      const keys = remote.jwks();
      lastGood = keys ? createLocalJWKSet(keys) : undefined;
      if (!lastGood) throw err;
      return lastGood(header, token);
    }
  };
}

/** The 401 message for a token jose refused; signature and key problems stay unexplained. */
function refusal(err: unknown) {
  if (err instanceof errors.JWTClaimValidationFailed || err instanceof errors.JWTExpired) {
    if (err.claim === 'exp' && err.reason === 'missing') return unauthorized('token has no expiry');
    if (err.claim === 'iat' && (err.reason === 'missing' || err.reason === 'invalid')) {
      return unauthorized('token has no issue time (iat)');
    }
    if (err.claim === 'iat' && err instanceof errors.JWTExpired) {
      return unauthorized('token is older than the maximum token age');
    }
    if (err.claim === 'iat') return unauthorized('token is issued in the future');
    if (err.claim === 'iss' || err.claim === 'aud') {
      return unauthorized('token issuer or audience not accepted');
    }
  }
  return unauthorized('invalid or expired token');
}

/**
 * Verifies Bearer JWTs with jose: HS256 with a shared secret, or RS256/ES256/PS256 with keys from
 * a JWKS URL. The header's `alg` and `kid` are checked before any key lookup, so a token with
 * another algorithm (HS256 signed with a public key, `none`) or a junk `kid` never causes a fetch.
 */
export function createTokenVerifier(opts: AuthOptions): TokenVerifier {
  if (!opts.secret && !opts.jwksUrl) throw new Error('AUTH_JWT_SECRET or AUTH_JWKS_URL is required');
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const maxTokenAge = opts.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS;
  if (!Number.isInteger(maxTokenAge) || maxTokenAge < 1) {
    throw new Error('maxTokenAgeSeconds must be a positive whole number of seconds');
  }
  let key: JWTVerifyGetKey | Uint8Array;
  let algorithms: string[];
  if (opts.jwksUrl) {
    const problem = jwksUrlProblem(opts.jwksUrl, production);
    if (problem) throw new Error(`AUTH_JWKS_URL ${problem}`);
    key = resilientRemoteKeySet(new URL(opts.jwksUrl), {
      cooldownMs: opts.jwksCooldownMs ?? 30_000,
      cacheMaxAgeMs: opts.jwksCacheMaxAgeMs ?? 600_000,
      timeoutMs: opts.jwksTimeoutMs ?? 5_000,
    });
    algorithms = JWKS_ALGORITHMS;
  } else {
    key = new TextEncoder().encode(opts.secret!);
    algorithms = SECRET_ALGORITHMS;
  }
  const verifyOptions = {
    algorithms,
    issuer: opts.issuer,
    audience: opts.audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    maxTokenAge,
    // jose checks `exp` only when present: a token that never expires is refused.
    requiredClaims: ['exp'],
  };
  return async (token) => {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw unauthorized('invalid or expired token');
    }
    // Before the key set is asked: a lookup may fetch, and only allowed algorithms and sane kids may.
    if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
      throw unauthorized('invalid or expired token');
    }
    if (header.kid !== undefined && (typeof header.kid !== 'string' || !KID.test(header.kid))) {
      throw unauthorized('invalid or expired token');
    }
    let p: JWTPayload & {
      roles?: unknown;
      auth_time?: unknown;
      email?: unknown;
      email_verified?: unknown;
    };
    try {
      // The overloads of jwtVerify take either a key or a key function, not their union.
      p = (
        typeof key === 'function'
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions)
      ).payload;
    } catch (err) {
      throw refusal(err);
    }
    if (typeof p.sub !== 'string' || p.sub.length === 0 || p.sub.length > 128) {
      throw unauthorized('token has no subject');
    }
    const roles = Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === 'string') : [];
    return {
      sub: p.sub,
      roles,
      ...(typeof p.iat === 'number' ? { issuedAt: p.iat } : {}),
      ...(typeof p.auth_time === 'number' ? { authTime: p.auth_time } : {}),
      ...(typeof p.email === 'string' && p.email_verified === true ? { verifiedEmail: p.email } : {}),
    };
  };
}

/**
 * Express middleware: a valid Bearer token or 401, then at most the app's per-subject budget
 * (AUTH_RATE_LIMIT_PER_MINUTE requests a minute per `sub`, AUTH_SERVICE_RATE_LIMIT_PER_MINUTE
 * for `service` tokens) or 429, so one stolen or runaway token cannot monopolise the service.
 */
export function requireAuth(verify: TokenVerifier) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(header);
    if (!m) return next(unauthorized());
    const principal = await verify(m[1]!);
    const limited = subjectLimitExceeded(req, res, principal);
    if (limited) return next(limited);
    req.principal = principal;
    next();
  };
}

export const isSupport = (p: Principal) => p.roles.includes('support');

/** Players act on their own account only; support staff (and the listed roles) on any. */
export function assertAccountAccess(
  p: Principal | undefined,
  accountId: string,
  extraRoles: string[] = [],
): Principal {
  if (!p) throw unauthorized();
  if (p.sub === accountId && !isSupport(p)) return p;
  if (isSupport(p) || extraRoles.some((r) => p.roles.includes(r))) return p;
  throw forbidden('this token may not access that account');
}

export function assertSupport(p: Principal | undefined): Principal {
  if (!p) throw unauthorized();
  if (!isSupport(p)) throw forbidden('the support role is required');
  return p;
}

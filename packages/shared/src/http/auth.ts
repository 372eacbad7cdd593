import type { NextFunction, Request, Response } from 'express';
import jwt, { JwtPayload } from 'jsonwebtoken';
import jwksRsa from 'jwks-rsa';
import { forbidden, unauthorized } from './errors';

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
  /** JWKS endpoint for RS256/ES256 tokens from an identity provider. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
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

/** Verifies Bearer JWTs with jsonwebtoken (and jwks-rsa for a JWKS URL). */
export function createTokenVerifier(opts: AuthOptions): TokenVerifier {
  if (!opts.secret && !opts.jwksUrl) throw new Error('AUTH_JWT_SECRET or AUTH_JWKS_URL is required');
  const jwks = opts.jwksUrl
    ? jwksRsa({ jwksUri: opts.jwksUrl, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 })
    : undefined;
  const algorithms: jwt.Algorithm[] = jwks ? ['RS256', 'ES256', 'PS256'] : ['HS256'];
  const key: jwt.Secret | jwt.GetPublicKeyOrSecret = jwks
    ? (header, cb) =>
        jwks.getSigningKey(header.kid, (err, k) => (err ? cb(err) : cb(null, k!.getPublicKey())))
    : opts.secret!;
  return (token) =>
    new Promise((resolve, reject) => {
      jwt.verify(
        token,
        key,
        { algorithms, issuer: opts.issuer, audience: opts.audience, clockTolerance: 5 },
        (err, payload) => {
          if (err || !payload || typeof payload === 'string')
            return reject(unauthorized('invalid or expired token'));
          const p = payload as JwtPayload & {
            roles?: unknown;
            auth_time?: unknown;
            email?: unknown;
            email_verified?: unknown;
          };
          // jsonwebtoken checks `exp` only when present: a token that never expires is refused.
          if (typeof p.exp !== 'number') return reject(unauthorized('token has no expiry'));
          if (typeof p.sub !== 'string' || p.sub.length === 0 || p.sub.length > 128) {
            return reject(unauthorized('token has no subject'));
          }
          const roles = Array.isArray(p.roles)
            ? p.roles.filter((r): r is string => typeof r === 'string')
            : [];
          resolve({
            sub: p.sub,
            roles,
            ...(typeof p.iat === 'number' ? { issuedAt: p.iat } : {}),
            ...(typeof p.auth_time === 'number' ? { authTime: p.auth_time } : {}),
            ...(typeof p.email === 'string' && p.email_verified === true ? { verifiedEmail: p.email } : {}),
          });
        },
      );
    });
}

/** Express middleware: a valid Bearer token or 401. */
export function requireAuth(verify: TokenVerifier) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(header);
    if (!m) return next(unauthorized());
    req.principal = await verify(m[1]!);
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

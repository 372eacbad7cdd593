/**
 * Reads a JWT's claims for display only: the signature is not (and cannot be) checked here; the
 * APIs verify every token and enforce access.
 */
export interface TokenClaims {
  sub: string;
  roles: string[];
  /** Seconds since the epoch, when the token carries an expiry. */
  exp?: number;
  /** Seconds since the epoch: when the token was issued (SPEC §8: "it was me" needs one older than the login). */
  iat?: number;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a well-formed token with a subject, else null. */
export function decodeToken(token: string): TokenClaims | null {
  const trimmed = token.trim();
  if (!JWT_SHAPE.test(trimmed)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(trimmed.split('.')[1]!));
  } catch {
    return null;
  }
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as { sub?: unknown; roles?: unknown; exp?: unknown; iat?: unknown };
  if (typeof p.sub !== 'string' || p.sub.length === 0) return null;
  const roles = Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    sub: p.sub,
    roles,
    ...(typeof p.exp === 'number' ? { exp: p.exp } : {}),
    ...(typeof p.iat === 'number' ? { iat: p.iat } : {}),
  };
}

export const hasSupportRole = (claims: TokenClaims) => claims.roles.includes('support');

export const isExpired = (claims: TokenClaims, now = Date.now()) =>
  claims.exp !== undefined && claims.exp * 1000 <= now;

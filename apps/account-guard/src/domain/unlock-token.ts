import { createHash, randomBytes } from 'node:crypto';

/**
 * The player's one-time unlock code: 256 random bits (SPEC asks for at least 128), URL-safe so
 * the same string works as a link and as a code typed in. Only its hash is ever stored.
 */
export function newUnlockToken(): string {
  return randomBytes(32).toString('base64url');
}

/** sha256, hex. The token carries its own entropy, so a plain hash (no salt, no KDF) is enough. */
export function hashUnlockToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** 32 bytes in base64url without padding: 43 characters. Anything else is not ours. */
export function isWellFormedUnlockToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function unlockUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/v1/unlock/${token}`;
}

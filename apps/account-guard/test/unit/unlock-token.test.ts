import {
  hashUnlockToken,
  isWellFormedUnlockToken,
  newUnlockToken,
  unlockUrl,
} from '../../src/domain/unlock-token';
import { retryDelayMs } from '../../src/domain/retry';

describe('one-time unlock tokens', () => {
  test('when a token is made, then it is 256 random bits in URL-safe base64 and differs every time', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => newUnlockToken()));
    expect(tokens.size).toBe(100);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
      expect(isWellFormedUnlockToken(t)).toBe(true);
    }
  });

  test('when a token is hashed, then the hash is its sha256 in hex and never the token itself', () => {
    const t = newUnlockToken();
    expect(hashUnlockToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashUnlockToken(t)).toBe(hashUnlockToken(t));
    expect(hashUnlockToken(t)).not.toContain(t);
  });

  test('when something that is not a token arrives, then it is recognised as malformed', () => {
    expect(isWellFormedUnlockToken('short')).toBe(false);
    expect(isWellFormedUnlockToken('a'.repeat(44))).toBe(false);
    expect(isWellFormedUnlockToken('a'.repeat(42) + '/')).toBe(false);
  });

  test('when the link is built, then it is PUBLIC_URL/v1/unlock/{token}', () => {
    expect(unlockUrl('https://guard.example', 'abc')).toBe('https://guard.example/v1/unlock/abc');
  });
});

describe('retry delays of failed deliveries', () => {
  test('when attempts keep failing, then the delay doubles from the base and stops at the cap', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 10].map((n) => retryDelayMs(n, 1000, 10_000, mid))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  test('when jitter applies, then the delay stays within 20% of the nominal value and under the cap', () => {
    expect(retryDelayMs(1, 1000, 10_000, () => 0)).toBe(800);
    expect(retryDelayMs(1, 1000, 10_000, () => 1)).toBe(1200);
    expect(retryDelayMs(20, 1000, 10_000, () => 1)).toBe(10_000);
  });
});

import { decodeToken, hasSupportRole, isExpired } from '../../client/lib/jwt';
import {
  KeyValueStore,
  decideLinkToken,
  forgetToken,
  fragmentWithoutToken,
  readStoredToken,
  storeToken,
  tokenFromFragment,
} from '../../client/lib/token-source';
import { signToken } from '@account-security/shared/testing';

const unsigned = (payload: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  getItem = (k: string) => this.data.get(k) ?? null;
  setItem = (k: string, v: string) => void this.data.set(k, v);
  removeItem = (k: string) => void this.data.delete(k);
}

describe('reading a token for display', () => {
  test('when a signed token carries a subject and roles, then both are read and the support role is recognised', () => {
    const claims = decodeToken(signToken({ sub: 'staff-7', roles: ['support'] }));
    expect(claims).toMatchObject({ sub: 'staff-7', roles: ['support'] });
    expect(hasSupportRole(claims!)).toBe(true);
    expect(isExpired(claims!)).toBe(false);
  });

  test('when a token says when it was issued, then iat is read (the page offers "it was me" only for later logins)', () => {
    const before = Math.floor(Date.now() / 1000);
    const claims = decodeToken(signToken({ sub: 'acc-1' }))!;
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(decodeToken(unsigned({ sub: 'acc-1', iat: 'yesterday' }))!.iat).toBeUndefined();
  });

  test('when a player token has no roles claim, then it has no roles and no support role', () => {
    const claims = decodeToken(unsigned({ sub: 'acc-1' }))!;
    expect(claims.roles).toEqual([]);
    expect(hasSupportRole(claims)).toBe(false);
  });

  test('when the payload holds non-ASCII text, then it is decoded as UTF-8', () => {
    expect(decodeToken(unsigned({ sub: '플레이어-1' }))?.sub).toBe('플레이어-1');
  });

  test('when the text is not a JWT, has an unreadable payload or no subject, then nothing is decoded', () => {
    expect(decodeToken('hello')).toBeNull();
    expect(decodeToken('a.b.c')).toBeNull();
    expect(decodeToken(unsigned({ roles: ['support'] }))).toBeNull();
    expect(decodeToken(unsigned({ sub: '' }))).toBeNull();
  });

  test('when exp lies in the past, then the token counts as expired', () => {
    const claims = decodeToken(unsigned({ sub: 'acc-1', exp: 1000 }))!;
    expect(isExpired(claims, 1000_000)).toBe(true);
    expect(isExpired(claims, 999_000)).toBe(false);
  });
});

describe('where the token comes from', () => {
  test('when the fragment carries token=…, then it is found, also among other parameters', () => {
    expect(tokenFromFragment('#token=abc.def.ghi')).toBe('abc.def.ghi');
    expect(tokenFromFragment('#lang=ko&token=abc.def.ghi')).toBe('abc.def.ghi');
    expect(tokenFromFragment('')).toBeNull();
    expect(tokenFromFragment('#token=')).toBeNull();
  });

  test('when the token is removed from the fragment, then the other parameters stay and an empty fragment disappears', () => {
    expect(fragmentWithoutToken('#token=abc')).toBe('');
    expect(fragmentWithoutToken('#lang=ko&token=abc')).toBe('#lang=ko');
  });

  test('when a token is stored and then forgotten, then the store holds it trimmed and then nothing', () => {
    const store = new MemoryStore();
    storeToken(store, '  abc.def.ghi \n');
    expect(readStoredToken(store)).toBe('abc.def.ghi');
    forgetToken(store);
    expect(readStoredToken(store)).toBeNull();
  });
});

describe('a #token= link while signed in', () => {
  const signedIn = 'aaa.bbb.ccc';
  const other = 'ddd.eee.fff';

  test('when a link carries a different token than the signed-in one, then the page asks before replacing the session', () => {
    expect(decideLinkToken({ token: other }, signedIn)).toBe('ask');
  });

  test('when nobody is signed in, then the link signs in, even one whose token cannot be used (its problem is shown)', () => {
    expect(decideLinkToken({ token: other }, null)).toBe('adopt');
    expect(decideLinkToken({ token: null }, null)).toBe('adopt');
  });

  test('when the link carries the session own token, an unusable one, or there is no link, then the session stays without a question', () => {
    expect(decideLinkToken({ token: ` ${signedIn}\n` }, signedIn)).toBe('keep');
    expect(decideLinkToken({ token: null }, signedIn)).toBe('keep');
    expect(decideLinkToken(null, signedIn)).toBe('keep');
    expect(decideLinkToken(null, null)).toBe('keep');
  });
});

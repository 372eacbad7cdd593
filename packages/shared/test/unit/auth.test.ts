import jwt from 'jsonwebtoken';
import { assertAccountAccess, assertSupport, createTokenVerifier } from '../../src';

const secret = 'unit-test-secret-unit-test-secret-0123';
const verify = createTokenVerifier({ secret });

describe('token verification', () => {
  test('a valid player token yields its subject and roles', async () => {
    const token = jwt.sign({ roles: ['support'] }, secret, { subject: 'staff-1', expiresIn: 60 });
    await expect(verify(token)).resolves.toEqual({
      sub: 'staff-1',
      roles: ['support'],
      issuedAt: expect.any(Number),
    });
  });

  test('a token carries its issue and authentication times, and an email only when verified', async () => {
    const iat = Math.floor(Date.now() / 1000) - 30;
    const vouched = jwt.sign(
      { iat, auth_time: iat - 600, email: 'p@example.com', email_verified: true },
      secret,
      {
        subject: 'p-1',
        expiresIn: 60,
      },
    );
    await expect(verify(vouched)).resolves.toEqual({
      sub: 'p-1',
      roles: [],
      issuedAt: iat,
      authTime: iat - 600,
      verifiedEmail: 'p@example.com',
    });
    const unverified = jwt.sign({ email: 'p@example.com', email_verified: false }, secret, {
      subject: 'p-1',
      expiresIn: 60,
    });
    expect((await verify(unverified)).verifiedEmail).toBeUndefined();
  });

  test.each([
    ['no expiry', () => jwt.sign({ roles: [] }, secret, { subject: 'a' })],
    [
      'expired',
      () => jwt.sign({ roles: [], exp: Math.floor(Date.now() / 1000) - 60 }, secret, { subject: 'a' }),
    ],
    [
      'wrong secret',
      () => jwt.sign({}, 'another-secret-another-secret-0123', { subject: 'a', expiresIn: 60 }),
    ],
    ['no subject', () => jwt.sign({}, secret, { expiresIn: 60 })],
    [
      'HS512 instead of HS256',
      () => jwt.sign({}, secret, { subject: 'a', expiresIn: 60, algorithm: 'HS512' }),
    ],
    [
      'alg none',
      () =>
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
          JSON.stringify({ sub: 'a', exp: Math.floor(Date.now() / 1000) + 60 }),
        ).toString('base64url')}.`,
    ],
  ])('a token with %s is refused with 401', async (_what, make) => {
    await expect(verify(make())).rejects.toMatchObject({ status: 401 });
  });
});

describe('access rules', () => {
  test('a player reaches only their own account', () => {
    expect(assertAccountAccess({ sub: 'a', roles: [] }, 'a').sub).toBe('a');
    expect(() => assertAccountAccess({ sub: 'a', roles: [] }, 'b')).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });
  test('support reaches any account; a service role only where allowed', () => {
    expect(assertAccountAccess({ sub: 's', roles: ['support'] }, 'b').sub).toBe('s');
    expect(() => assertAccountAccess({ sub: 'svc', roles: ['service'] }, 'b')).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(assertAccountAccess({ sub: 'svc', roles: ['service'] }, 'b', ['service']).sub).toBe('svc');
  });
  test('staff routes need the support role', () => {
    expect(() => assertSupport({ sub: 'a', roles: [] })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertSupport(undefined)).toThrow(expect.objectContaining({ status: 401 }));
  });
});

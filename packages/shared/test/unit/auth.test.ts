import jwt from 'jsonwebtoken';
import {
  ConfigError,
  assertAccountAccess,
  assertAuthConfigured,
  assertSupport,
  authConfigShape,
  createTokenVerifier,
  loadConfig,
  tokenVerifierFor,
} from '../../src';

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

const now = () => Math.floor(Date.now() / 1000);

describe('token age, issuer and audience', () => {
  test('a token issued more than 24 h ago is refused by default, though it has not expired', async () => {
    const old = jwt.sign({ iat: now() - 25 * 3600, exp: now() + 3600 }, secret, { subject: 'a' });
    await expect(verify(old)).rejects.toMatchObject({
      status: 401,
      message: 'token is older than the maximum token age',
    });
    const young = jwt.sign({ iat: now() - 23 * 3600, exp: now() + 3600 }, secret, { subject: 'a' });
    await expect(verify(young)).resolves.toMatchObject({ sub: 'a' });
  });

  test('the maximum age is measured from iat, with 5 s of clock tolerance', async () => {
    const hour = createTokenVerifier({ secret, maxTokenAgeSeconds: 3600 });
    const at = (age: number) => jwt.sign({ iat: now() - age, exp: now() + 3600 }, secret, { subject: 'a' });
    await expect(hour(at(3600 + 3))).resolves.toMatchObject({ sub: 'a' });
    await expect(hour(at(3600 + 30))).rejects.toMatchObject({ status: 401 });
  });

  test('a token without iat is refused, since its age cannot be known', async () => {
    const token = jwt.sign({}, secret, { subject: 'a', expiresIn: 60, noTimestamp: true });
    await expect(verify(token)).rejects.toMatchObject({
      status: 401,
      message: 'token has no issue time (iat)',
    });
  });

  test('a token issued in the future is refused', async () => {
    const token = jwt.sign({ iat: now() + 600, exp: now() + 3600 }, secret, { subject: 'a' });
    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
  });

  test('when an issuer and audience are set, a token for another issuer or audience is refused', async () => {
    const strict = createTokenVerifier({ secret, issuer: 'https://idp.example', audience: 'guard' });
    const sign = (claims: object) => jwt.sign(claims, secret, { subject: 'a', expiresIn: 60 });
    await expect(strict(sign({ iss: 'https://idp.example', aud: 'guard' }))).resolves.toMatchObject({
      sub: 'a',
    });
    for (const bad of [
      { iss: 'https://other.example', aud: 'guard' },
      { iss: 'https://idp.example', aud: 'history' },
      { aud: 'guard' },
      { iss: 'https://idp.example' },
    ]) {
      await expect(strict(sign(bad))).rejects.toMatchObject({
        status: 401,
        message: 'token issuer or audience not accepted',
      });
    }
  });

  test('a token whose header names a malformed kid is refused before any key is looked up', async () => {
    const token = jwt.sign({}, secret, { subject: 'a', expiresIn: 60, keyid: '../../etc/passwd' });
    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
    const fine = jwt.sign({}, secret, { subject: 'a', expiresIn: 60, keyid: 'key-1.v2_A' });
    await expect(verify(fine)).resolves.toMatchObject({ sub: 'a' });
  });
});

describe('auth settings', () => {
  const load = (env: NodeJS.ProcessEnv) => loadConfig('login-history', authConfigShape, env);
  const errorOf = (env: NodeJS.ProcessEnv): ConfigError => {
    try {
      assertAuthConfigured(load(env));
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
    throw new Error('expected a ConfigError');
  };
  const SECRET = { AUTH_JWT_SECRET: secret };
  const IDP = { AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'account-security' };

  test('AUTH_MAX_TOKEN_AGE takes seconds or a duration and defaults to 24 h', () => {
    expect(load(SECRET).AUTH_MAX_TOKEN_AGE).toBe(86400);
    expect(load({ ...SECRET, AUTH_MAX_TOKEN_AGE: '900' }).AUTH_MAX_TOKEN_AGE).toBe(900);
    expect(load({ ...SECRET, AUTH_MAX_TOKEN_AGE: '30m' }).AUTH_MAX_TOKEN_AGE).toBe(1800);
    expect(load({ ...SECRET, AUTH_MAX_TOKEN_AGE: '12h' }).AUTH_MAX_TOKEN_AGE).toBe(43200);
    expect(load({ ...SECRET, AUTH_MAX_TOKEN_AGE: '7d' }).AUTH_MAX_TOKEN_AGE).toBe(604800);
    for (const bad of ['0', '24 h', '1w', '-5', '366d', 'forever']) {
      expect(() => load({ ...SECRET, AUTH_MAX_TOKEN_AGE: bad })).toThrow(/AUTH_MAX_TOKEN_AGE is invalid/);
    }
  });

  test('the verifier the settings describe applies AUTH_MAX_TOKEN_AGE', async () => {
    const v = tokenVerifierFor(load({ ...SECRET, AUTH_MAX_TOKEN_AGE: '1h' }));
    const token = jwt.sign({ iat: now() - 2 * 3600, exp: now() + 3600 }, secret, { subject: 'a' });
    await expect(v(token)).rejects.toMatchObject({ status: 401 });
    await expect(tokenVerifierFor(load(SECRET))(token)).resolves.toMatchObject({ sub: 'a' });
  });

  test('in production, start-up stops naming AUTH_ISSUER or AUTH_AUDIENCE when either is missing', () => {
    const prod = { ...SECRET, NODE_ENV: 'production' };
    expect(errorOf({ ...prod, AUTH_AUDIENCE: 'x' }).message).toBe(
      'configuration error: AUTH_ISSUER is required when NODE_ENV=production but not set',
    );
    expect(errorOf({ ...prod, AUTH_ISSUER: 'x' }).variable).toBe('AUTH_AUDIENCE');
    expect(() => assertAuthConfigured(load({ ...prod, ...IDP }))).not.toThrow();
    expect(() => assertAuthConfigured(load(SECRET))).not.toThrow();
  });

  test('the JWKS URL must be https; plain http only on a loopback host outside production', () => {
    const ok = (url: string, extra: NodeJS.ProcessEnv = {}) =>
      expect(() => assertAuthConfigured(load({ AUTH_JWKS_URL: url, ...extra }))).not.toThrow();
    ok('https://idp.example/.well-known/jwks.json');
    ok('https://idp.example/jwks', { NODE_ENV: 'production', ...IDP });
    ok('http://127.0.0.1:8080/jwks');
    ok('http://localhost:8080/jwks');
    ok('http://[::1]:8080/jwks');
    expect(errorOf({ AUTH_JWKS_URL: 'http://idp.example/jwks' }).variable).toBe('AUTH_JWKS_URL');
    expect(errorOf({ AUTH_JWKS_URL: 'http://127.0.0.1.nip.io/jwks' }).variable).toBe('AUTH_JWKS_URL');
    expect(
      errorOf({ AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks', NODE_ENV: 'production', ...IDP }).message,
    ).toBe('configuration error: AUTH_JWKS_URL is invalid: must use https in production');
    expect(() => createTokenVerifier({ jwksUrl: 'http://idp.example/jwks' })).toThrow(/https/);
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

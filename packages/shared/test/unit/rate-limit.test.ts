import request from 'supertest';
import { cachedReadiness, createHttpApp, createLogger, createTokenVerifier, requireAuth } from '../../src';
import { createRateLimiter } from '../../src/http/rate-limit';
import { TEST_JWT_SECRET, signToken } from '../../src/testing';

describe('the in-memory rate limiter', () => {
  test('a key gets `limit` requests a window, then is refused until the window ends', () => {
    let now = 1_000_000;
    const l = createRateLimiter({ limit: 3, windowMs: 60_000, clock: () => now });
    expect([1, 2, 3].map(() => l.hit('a').allowed)).toEqual([true, true, true]);
    const refused = l.hit('a');
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 60 });
    expect(l.hit('b').allowed).toBe(true);
    now += 59_000;
    expect(l.hit('a')).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(l.hit('a')).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 60 });
  });

  test('a flood of distinct keys never holds more than maxKeys, and expired windows go first', () => {
    let now = 0;
    const l = createRateLimiter({ limit: 1, windowMs: 1000, maxKeys: 100, clock: () => now });
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      l.hit(`k${i}`);
      most = Math.max(most, l.size());
    }
    expect(most).toBe(100);
    // The newest keys survived the flood and are still counted.
    expect(l.hit('k9999').allowed).toBe(false);
    now += 1000;
    l.hit('fresh');
    expect(l.size()).toBe(1);
  });
});

describe('the per-subject limit of requireAuth', () => {
  const verify = createTokenVerifier({ secret: TEST_JWT_SECRET });
  const app = createHttpApp({
    logger: createLogger('test', 'silent'),
    authRateLimitPerMinute: 3,
    authServiceRateLimitPerMinute: 5,
    routes: (a) => {
      a.get('/v1/me', requireAuth(verify), (req, res) => void res.json({ sub: req.principal!.sub }));
      a.get('/v1/other', requireAuth(verify), (_req, res) => void res.json({ ok: true }));
    },
  });
  const get = (path: string, token: string) => request(app).get(path).set('Authorization', `Bearer ${token}`);

  test('when one subject exceeds its budget across routes, then it gets 429 in the error shape with Retry-After; others do not', async () => {
    const alice = signToken({ sub: 'alice' });
    expect((await get('/v1/me', alice)).status).toBe(200);
    expect((await get('/v1/other', alice)).status).toBe(200);
    expect((await get('/v1/me', alice)).status).toBe(200);
    const limited = await get('/v1/other', alice);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.stringMatching(/more than 3 requests a minute/) },
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A second token of the same subject shares the budget: the key is the subject, not the token.
    expect((await get('/v1/me', signToken({ sub: 'alice', roles: ['support'] }))).status).toBe(429);
    expect((await get('/v1/me', signToken({ sub: 'bob' }))).body).toEqual({ sub: 'bob' });
  });

  test('when a service token (a login server) calls, then it has its own, larger budget', async () => {
    const server = signToken({ sub: 'login-server-1', roles: ['service'] });
    for (let i = 0; i < 5; i++) expect((await get('/v1/me', server)).status).toBe(200);
    expect((await get('/v1/me', server)).status).toBe(429);
  });

  test('when the token is missing or invalid, then it is a 401 and no subject is charged', async () => {
    expect((await request(app).get('/v1/me')).status).toBe(401);
    expect((await get('/v1/me', signToken({ sub: 'carol' }, { secret: 'x'.repeat(40) }))).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await get('/v1/me', signToken({ sub: 'carol' }))).status).toBe(200);
  });
});

describe('cached readiness', () => {
  test('concurrent probes share one evaluation, later ones within the cache time reuse it, then it runs again', async () => {
    let runs = 0;
    let release!: () => void;
    const probe = cachedReadiness(
      [
        {
          name: 'db',
          check: () => {
            runs++;
            return new Promise<void>((r) => (release = r));
          },
        },
      ],
      { cacheMs: 200 },
    );
    const concurrent = [probe(), probe(), probe()];
    release();
    const results = await Promise.all(concurrent);
    expect(results).toEqual([0, 1, 2].map(() => ({ ok: true, checks: { db: 'ok' } })));
    expect(runs).toBe(1);
    await probe();
    expect(runs).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    const again = probe();
    release();
    await again;
    expect(runs).toBe(2);
  });

  test('a failing check is cached too, and a hanging one ends as a failure instead of hanging every probe', async () => {
    let runs = 0;
    const probe = cachedReadiness(
      [
        {
          name: 'db',
          check: () => {
            runs++;
            throw new Error('connection refused');
          },
        },
        { name: 'slow', check: () => new Promise<void>(() => undefined) },
      ],
      { cacheMs: 10_000, timeoutMs: 50 },
    );
    const first = await probe();
    expect(first).toEqual({
      ok: false,
      checks: { db: 'connection refused', slow: 'no answer within 50 ms' },
    });
    await probe();
    expect(runs).toBe(1);
  });
});

import request from 'supertest';
import { signToken, waitUntil } from '@account-security/shared/testing';
import { sql } from 'kysely';
import { GeoResolvedEvent, Harness, geoResolved, minutesAgo, startHarness } from '../support/harness';

describe('GET /v1/accounts/{accountId}/logins', () => {
  let h: Harness;
  const base = Date.now();

  const record = async (events: GeoResolvedEvent[]) => {
    await h.publish(...events);
    await waitUntil(() => h.recordedFor(events.map((e) => e.correlationid!)).length >= events.length);
  };
  const get = (accountId: string, token?: string, query: Record<string, string | number> = {}) => {
    const req = request(h.svc.server)
      .get(`/v1/accounts/${encodeURIComponent(accountId)}/logins`)
      .query(query);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };
  const player = (sub: string) => signToken({ sub });
  const support = signToken({ sub: 'staff-7', roles: ['support'] });

  const pagedLogins = Array.from({ length: 25 }, (_, i) =>
    geoResolved({
      accountId: 'acc-paged',
      country: i % 2 ? 'KR' : 'JP',
      time: minutesAgo(500 - i * 10, base),
      ip: `198.51.100.${i}`,
    }),
  );

  beforeAll(async () => {
    h = await startHarness('lh_api');
    await record(pagedLogins);
    await record([geoResolved({ accountId: 'acc-other', country: 'US', time: minutesAgo(5, base) })]);
  });
  afterAll(async () => {
    await h?.close();
  });

  test('when a player pages through their history while new logins arrive, then every login is served once, newest first', async () => {
    const token = player('acc-paged');
    const seen: any[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const res = await get('acc-paged', token, { limit: 10, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
      // Newer logins arrive between the pages.
      await record([geoResolved({ accountId: 'acc-paged', country: 'DE', time: minutesAgo(-pages, base) })]);
    } while (cursor);

    expect(pages).toBe(3);
    const expected = [...pagedLogins].reverse();
    expect(seen.map((i) => i.ip)).toEqual(expected.map((e) => e.data.ip));
    expect(seen.map((i) => i.loggedInAt)).toEqual(expected.map((e) => e.time));
    expect(new Set(seen.map((i) => i.id)).size).toBe(25);
    // Each item also names its login's id (the login.succeeded id, SPEC §3), which answers it.
    expect(seen.map((i) => i.loginEventId)).toEqual(expected.map((e) => e.correlationid));
    expect(seen[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      loginEventId: expected[0]!.correlationid,
      loggedInAt: expected[0]!.time,
      ip: expected[0]!.data.ip,
      country: expected[0]!.data.geo.country,
      client: { platform: 'pc', version: '1.4.2' },
      result: 'succeeded',
    });

    const fresh = await get('acc-paged', token, { limit: 3 });
    expect(fresh.body.items.map((i: any) => i.country)).toEqual(['DE', 'DE', 'DE']);
  });

  test('when no limit is given, then a page holds 50 logins', async () => {
    await record(
      Array.from({ length: 55 }, (_, i) =>
        geoResolved({ accountId: 'acc-many', country: 'KR', time: minutesAgo(100 - i, base) }),
      ),
    );
    const res = await get('acc-many', player('acc-many'));
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(50);
    expect(typeof res.body.nextCursor).toBe('string');
    const rest = await get('acc-many', player('acc-many'), { cursor: res.body.nextCursor });
    expect(rest.body.items).toHaveLength(5);
    expect(rest.body.nextCursor).toBeNull();
  });

  test('when an account has no logins, then the page is empty with no cursor', async () => {
    const res = await get('acc-nobody', player('acc-nobody'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  test("when a player asks for another player's history, then the answer is 403", async () => {
    const res = await get('acc-other', player('acc-paged'));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  test('when no token or an invalid one is sent, then the answer is 401', async () => {
    expect((await get('acc-paged')).status).toBe(401);
    const forged = signToken(
      { sub: 'acc-paged' },
      { secret: 'some-other-secret-that-is-long-enough-000000' },
    );
    const res = await get('acc-paged', forged);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  test('when support staff ask for any account, then they get its history', async () => {
    const res = await get('acc-other', support);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: any) => i.country)).toEqual(['US']);
  });

  test.each([['0'], ['201'], ['abc'], ['1.5'], ['-3']])(
    'when limit is %s, then the answer is 400 naming query.limit',
    async (limit) => {
      const res = await get('acc-paged', player('acc-paged'), { limit });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^query\.limit: /),
      });
    },
  );

  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  test.each([
    ['not base64url', '!!!'],
    ['not JSON', b64('hello')],
    ['a wrong shape', b64(JSON.stringify({ t: 1 }))],
    ['a bad time', b64(JSON.stringify(['2026-13-45T00:00:00.000Z', '6f1c2c36-1f59-4ad4-9a5a-0b4e3e3b2a10']))],
    ['a bad id', b64(JSON.stringify(['2026-11-20T00:00:00.000Z', "x' or '1'='1"]))],
  ])('when the cursor is %s, then the answer is 400 naming query.cursor', async (_what, cursor) => {
    const res = await get('acc-paged', player('acc-paged'), { cursor });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^query\.cursor: /);
  });

  test('when the account id is longer than 64 characters, then the answer is 400 naming params.accountId', async () => {
    const res = await get('a'.repeat(65), support);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^params\.accountId: /);
  });

  test('when an account id is full of SQL metacharacters, then it is just an account id', async () => {
    const nasty = `x'); drop table logins; --"\\%_*`;
    await record([geoResolved({ accountId: nasty, country: 'KR', time: minutesAgo(3, base) })]);
    const own = await get(nasty, player(nasty));
    expect(own.status).toBe(200);
    expect(own.body.items).toHaveLength(1);
    const wildcard = await get('%', support);
    expect(wildcard.body.items).toEqual([]);
    const { n } = (await sql<{ n: number }>`select count(*)::int as n from logins`.execute(h.database.db))
      .rows[0]!;
    expect(n).toBeGreaterThan(80);
  });
});

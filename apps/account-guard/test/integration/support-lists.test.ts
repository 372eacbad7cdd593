import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, SUPPORT, playerToken } from '../support/harness';

const DAY = 86_400_000;

/** An account with three earlier logins on one device, network, country and /24. */
const known = {
  logins: 3,
  globalLogins: 1000,
  features: {
    device: { account: 3, global: 3 },
    asn: { account: 3, global: 300 },
    country: { account: 3, global: 900 },
    prefix: { account: 3, global: 10, prefix: '203.0.113.0/24' },
  },
};
const newDevice = { ...known, features: { ...known.features, device: { account: 0, global: 0 } } };

describe('support lists locked accounts and alerts across accounts (SPEC §9)', () => {
  let h: Harness;
  /** Login ids of the logins decided through the broker, by what they were. */
  const logins = { locking: [] as string[], unusual: [] as string[], trusted: [] as string[] };
  /** Directly written rows that share one exact (microsecond) time, to page across ties. */
  const tie = '2026-12-01 00:00:00.123456+00';
  const oldLoginId = randomUUID();
  let answeredLoginId: string;

  beforeAll(async () => {
    h = await Harness.start('ag-support-lists');
    // Three accounts locked by foreign logins, two unusual logins, one trusted one.
    for (let i = 0; i < 3; i++) {
      const acc = accountIdFor(`locked${i}`);
      await h.protect(acc, 'lock', { channels: ['in_game'] });
      const login = loginRecorded({ accountId: acc, country: 'US' });
      await h.publish(login);
      await h.waitAbout('account.locked', acc);
      logins.locking.push(login.correlationid!);
    }
    for (let i = 0; i < 2; i++) {
      const acc = accountIdFor(`unusual${i}`);
      await h.protect(acc, 'notify', { channels: ['in_game'] });
      const login = loginRecorded({ accountId: acc, country: 'KR', deviceId: `d${i}`, history: newDevice });
      await h.publish(login);
      await h.assessed(login.correlationid!);
      logins.unusual.push(login.correlationid!);
    }
    const fine = loginRecorded({ accountId: accountIdFor('fine'), country: 'KR', history: known });
    await h.publish(fine);
    await h.assessed(fine.correlationid!);
    logins.trusted.push(fine.correlationid!);
    // Every action carried out and recorded (the statuses the list shows are final).
    await h.settled();

    // Two locks and two alerts at the very same microsecond (a tie only the id breaks), and an
    // alert decided ten days ago (outside the default week).
    for (const acc of ['acc-tie-a', 'acc-tie-b'])
      await h.db.db
        .insertInto('account_lock')
        .values({
          account_id: acc,
          lock_id: randomUUID(),
          locked_at: sql<Date>`${tie}::timestamptz`,
          reason: 'locked by support',
          locked_by: 'support:staff-1',
          login_id: null,
        })
        .execute();
    const decision = (loginId: string, decidedAt: unknown) => ({
      login_id: loginId,
      event_id: randomUUID(),
      account_id: accountIdFor('direct'),
      session_id: 's-1',
      ip: '203.0.113.9',
      country: 'JP',
      home_country: 'KR',
      logged_in_at: new Date(),
      verdict: 'suspicious' as const,
      reasons: ['foreign_country'],
      policy: 'none' as const,
      risk: 12,
      signals: JSON.stringify([
        { code: 'foreign_country', level: 'suspicious', detail: { country: 'JP', homeCountry: 'KR' } },
      ]),
      decided_at: decidedAt as Date,
    });
    await h.db.db
      .insertInto('login_decision')
      .values([
        decision(`tie-${randomUUID()}`, sql`${tie}::timestamptz`),
        decision(`tie-${randomUUID()}`, sql`${tie}::timestamptz`),
        decision(oldLoginId, new Date(Date.now() - 10 * DAY)),
      ])
      .execute();
    // One player answered "not me" (the feedback code writes this row; here it stands for it).
    answeredLoginId = logins.unusual[0]!;
    const account = await h.db.db
      .selectFrom('login_decision')
      .select('account_id')
      .where('login_id', '=', answeredLoginId)
      .executeTakeFirstOrThrow();
    await h.db.db
      .insertInto('login_feedback')
      .values({
        login_id: answeredLoginId,
        account_id: account.account_id,
        answer: 'not_me',
        answered_by: 'player',
        answered_at: new Date('2026-12-02T08:00:00.000Z'),
      })
      .execute();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Every page of a list with `limit`, following nextCursor until it is null. */
  async function allPages(path: string, query: Record<string, string>) {
    const pages: { items: any[]; nextCursor: string | null }[] = [];
    let cursor: string | undefined;
    do {
      const res = await h.http
        .get(path)
        .query({ ...query, ...(cursor ? { cursor } : {}) })
        .set('Authorization', `Bearer ${SUPPORT}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.nextCursor ?? undefined;
      expect(pages.length).toBeLessThan(50);
    } while (cursor);
    return pages;
  }

  test('when support pages through the locked accounts two at a time, then every locked account comes exactly once, newest lock first (ties by account id)', async () => {
    const expected = await h.db.db
      .selectFrom('account_lock')
      .select('account_id')
      .orderBy('locked_at', 'desc')
      .orderBy('account_id', 'desc')
      .execute();
    expect(expected).toHaveLength(5);
    const pages = await allPages('/v1/accounts', { locked: 'true', limit: '2' });
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    const items = pages.flatMap((p) => p.items);
    expect(items.map((i) => i.accountId)).toEqual(expected.map((r) => r.account_id));
    // The tie at one microsecond: b before a, across a page boundary, neither repeated nor lost.
    expect(items.slice(3).map((i) => i.accountId)).toEqual(['acc-tie-b', 'acc-tie-a']);
    expect(items[3]).toEqual({
      accountId: 'acc-tie-b',
      lockedAt: '2026-12-01T00:00:00.123Z',
      reason: 'locked by support',
      lockedBy: 'support:staff-1',
      loginEventId: null,
    });
    // The newest lock: the last foreign login's.
    expect(items[0]).toMatchObject({
      lockedBy: 'system',
      loginEventId: logins.locking[2],
      reason: expect.stringContaining('foreign_country'),
    });
  });

  test('when support pages through the suspicious logins two at a time, then every suspicious and unusual decision of the week comes exactly once, newest first, with its actions and answer', async () => {
    const expected = await h.db.db
      .selectFrom('login_decision')
      .select('login_id')
      .where('verdict', 'in', ['suspicious', 'unusual'])
      .where('decided_at', '>=', new Date(Date.now() - 7 * DAY))
      .orderBy('decided_at', 'desc')
      .orderBy('login_id', 'desc')
      .execute();
    expect(expected).toHaveLength(7);
    const pages = await allPages('/v1/logins/suspicious', { limit: '2' });
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 2, 1]);
    const items = pages.flatMap((p) => p.items);
    const ids = items.map((i) => i.loginEventId);
    expect(ids).toEqual(expected.map((r) => r.login_id));
    expect(ids).toEqual(expect.arrayContaining([...logins.locking, ...logins.unusual]));
    expect(ids).not.toContain(logins.trusted[0]);
    expect(ids).not.toContain(oldLoginId);

    const locking = items.find((i) => i.loginEventId === logins.locking[0]);
    expect(locking).toMatchObject({
      verdict: 'suspicious',
      policy: 'lock',
      country: 'US',
      reasons: expect.arrayContaining(['foreign_country']),
      signals: [expect.objectContaining({ code: 'foreign_country', level: 'suspicious' })],
      answer: null,
      answeredAt: null,
    });
    expect(locking.actions.map((a: { type: string }) => a.type).sort()).toEqual(['kick', 'lock', 'notify']);
    expect(locking.actions.find((a: { type: string }) => a.type === 'notify')).toMatchObject({
      channel: 'in_game',
      status: 'sent',
    });
    const answered = items.find((i) => i.loginEventId === answeredLoginId);
    expect(answered).toMatchObject({
      verdict: 'unusual',
      reasons: ['new_device'],
      answer: 'not_me',
      answeredAt: '2026-12-02T08:00:00.000Z',
    });
  });

  test('when since reaches further back, then older alerts are listed too; since in the future lists none', async () => {
    const older = await allPages('/v1/logins/suspicious', {
      since: new Date(Date.now() - 11 * DAY).toISOString(),
      limit: '200',
    });
    expect(older).toHaveLength(1);
    expect(older[0]!.items.map((i) => i.loginEventId)).toContain(oldLoginId);
    expect(older[0]!.items).toHaveLength(8);
    const future = await allPages('/v1/logins/suspicious', { since: '2099-01-01T00:00:00+09:00' });
    expect(future).toEqual([{ items: [], nextCursor: null }]);
  });

  test.each(['/v1/accounts?locked=true', '/v1/logins/suspicious'])(
    'when %s is called without a token, then 401; with a player token, then 403',
    async (path) => {
      const none = await h.http.get(path);
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('UNAUTHORIZED');
      const player = await h.http.get(path).set('Authorization', `Bearer ${playerToken('acc-tie-a')}`);
      expect(player.status).toBe(403);
      expect(player.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
    },
  );

  const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  test.each([
    ['/v1/accounts', {}, 'query.locked'],
    ['/v1/accounts', { locked: 'false' }, 'query.locked'],
    ['/v1/accounts', { locked: 'true', limit: '0' }, 'query.limit'],
    ['/v1/accounts', { locked: 'true', limit: '201' }, 'query.limit'],
    ['/v1/accounts', { locked: 'true', limit: 'ten' }, 'query.limit'],
    ['/v1/accounts', { locked: 'true', cursor: 'not a cursor' }, 'query.cursor'],
    [
      '/v1/accounts',
      { locked: 'true', cursor: forged(['2026-02-30T00:00:00.000000Z', 'a']) },
      'query.cursor',
    ],
    ['/v1/logins/suspicious', { cursor: forged({ at: 1 }) }, 'query.cursor'],
    ['/v1/logins/suspicious', { cursor: forged(['2026-12-01T00:00:00Z', 'x']) }, 'query.cursor'],
    ['/v1/logins/suspicious', { limit: '1.5' }, 'query.limit'],
    ['/v1/logins/suspicious', { since: 'last week' }, 'query.since'],
  ])('when %s gets %j, then 400 names %s', async (path, query, field) => {
    const res = await h.http.get(path).query(query).set('Authorization', `Bearer ${SUPPORT}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.message.startsWith(`${field}:`)).toBe(true);
  });

  test('when support reads a list, then the read is audited with who, which list and the query, in the trail of the account id *', async () => {
    const before = await h.db.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    await h.http.get('/v1/accounts?locked=true&limit=3').set('Authorization', `Bearer ${SUPPORT}`);
    await h.http.get('/v1/logins/suspicious?limit=1').set('Authorization', `Bearer ${SUPPORT}`);
    // Refused reads are not audited as reads.
    await h.http.get('/v1/logins/suspicious').set('Authorization', `Bearer ${playerToken('acc-x')}`);
    const rows = await h.db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', Number(before.id ?? 0))
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.account_id, r.action, r.actor, r.reason])).toEqual([
      ['*', 'support_list_read', 'support:staff-7', 'locked_accounts'],
      ['*', 'support_list_read', 'support:staff-7', 'suspicious_logins'],
    ]);
    expect(rows[0]!.details).toEqual({ limit: 3, cursor: null, returned: 3 });
    expect(rows[1]!.details).toMatchObject({ limit: 1, returned: 1, since: expect.any(String) });

    const trail = await h.http
      .get('/v1/accounts/%2A/audit?limit=2')
      .set('Authorization', `Bearer ${SUPPORT}`);
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((i: { action: string; reason: string }) => [i.action, i.reason])).toEqual([
      ['support_list_read', 'suspicious_logins'],
      ['support_list_read', 'locked_accounts'],
    ]);
  });
});

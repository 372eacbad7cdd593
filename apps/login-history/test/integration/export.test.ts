import request from 'supertest';
import { signToken, waitUntil } from '@account-security/shared/testing';
import { exportEnd, exportedLogin } from '@account-security/shared';
import { GeoResolvedEvent, Harness, failedGeoResolved, geoResolved, startHarness } from '../support/harness';

describe('GET /v1/export/logins (SPEC §10 replay)', () => {
  let h: Harness;
  const from = new Date('2026-11-20T00:00:00.000Z');
  const to = new Date('2026-11-21T00:00:00.000Z');
  const at = (ms: number) => new Date(from.getTime() + ms);
  const service = signToken({ sub: 'account-guard/replay', roles: ['service'] });
  const support = signToken({ sub: 'staff-7', roles: ['support'] });

  // 530 logins of 7 accounts inside the window (some in the same millisecond, so the record id
  // decides their order), and logins just outside it on both sides.
  const inside: GeoResolvedEvent[] = Array.from({ length: 530 }, (_, i) =>
    geoResolved({
      accountId: `acc-export-${i % 7}`,
      country: i % 5 === 0 ? 'JP' : 'KR',
      time: at(Math.floor(i / 3) * 60_000),
      ip: `198.51.${Math.floor(i / 250)}.${i % 250}`,
      asn: 4766,
    }),
  );
  const outside = [
    geoResolved({ accountId: 'acc-export-0', country: 'KR', time: new Date(from.getTime() - 1) }),
    geoResolved({ accountId: 'acc-export-1', country: 'KR', time: to }),
  ];
  const failed = failedGeoResolved({ accountId: 'acc-export-2', time: at(90_000), ip: '203.0.113.50' });

  const get = (query: Record<string, string | number>, token?: string) => {
    const req = request(h.svc.server).get('/v1/export/logins').query(query);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };
  const linesOf = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
  const window = { from: from.toISOString(), to: to.toISOString() };

  beforeAll(async () => {
    h = await startHarness('lh_export');
    const all = [...inside, ...outside];
    for (let i = 0; i < all.length; i += 100) await h.publish(...all.slice(i, i + 100));
    await h.publish(failed);
    await waitUntil(() => h.recordedFor(all.map((e) => e.correlationid!)).length >= all.length, 60_000);
    await waitUntil(async () => {
      const r = await h.database.db
        .selectFrom('logins')
        .select('id')
        .where('result', '=', 'failed')
        .execute();
      return r.length === 1;
    });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The window's expected order: by time, then record id (as the export pages). */
  const expectedOrder = () => {
    const recorded = h.recordedFor(inside.map((e) => e.correlationid!));
    return recorded
      .map((m) => m.body)
      .sort((a, b) =>
        a.time !== b.time
          ? Date.parse(a.time) - Date.parse(b.time)
          : a.data.history.recordId < b.data.history.recordId
            ? -1
            : 1,
      );
  };

  test('when a service pages through a window, then every succeeded login of it comes exactly once, in time order, as login.recorded published it', async () => {
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get({ ...window, limit: 200, ...(cursor ? { cursor } : {}) }, service);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const lines = linesOf(res.text);
      const end = exportEnd.parse(lines.pop());
      expect(lines.length).toBeLessThanOrEqual(200);
      for (const l of lines) seen.push(exportedLogin.parse(l));
      cursor = end.nextCursor;
      pages++;
    } while (cursor);

    expect(pages).toBe(3);
    const expected = expectedOrder();
    expect(seen.map((l) => l.loginEventId)).toEqual(expected.map((e) => e.correlationid));
    expect(new Set(seen.map((l) => l.loginEventId)).size).toBe(530);
    // What account-guard received, but the device id login-history never keeps.
    const { deviceId: _gone, ...client } = expected[7].data.client;
    expect(seen[7]).toEqual({
      loginEventId: expected[7].correlationid,
      recordId: expected[7].data.history.recordId,
      loggedInAt: expected[7].time,
      data: { ...expected[7].data, client },
    });
    expect(seen.some((l) => l.data.ip === '203.0.113.50')).toBe(false);
  });

  test('when one page holds more logins than a database chunk, then it streams them all and ends with a null cursor', async () => {
    const res = await get(window, support);
    expect(res.status).toBe(200);
    const lines = linesOf(res.text);
    expect(lines.pop()).toEqual({ nextCursor: null });
    expect(lines.map((l) => l.loginEventId)).toEqual(expectedOrder().map((e) => e.correlationid));
  });

  test('when the last page is exactly full, then its cursor is null', async () => {
    const res = await get({ ...window, limit: 530 }, service);
    const lines = linesOf(res.text);
    expect(lines).toHaveLength(531);
    expect(lines.at(-1)).toEqual({ nextCursor: null });
  });

  test('when a player or nobody asks, then 403 and 401', async () => {
    const player = await get(window, signToken({ sub: 'acc-export-0' }));
    expect(player.status).toBe(403);
    expect(player.body.error.code).toBe('FORBIDDEN');
    const nobody = await get(window);
    expect(nobody.status).toBe(401);
  });

  test('when a login was recorded before its event data was kept, then its line is partial: history, address, country and client', async () => {
    const target = expectedOrder()[3];
    await h.database.db
      .updateTable('recorded_logins')
      .set({ event_data: null })
      .where('login_id', '=', target.correlationid)
      .execute();
    const res = await get({ ...window, limit: 10 }, service);
    const line = linesOf(res.text).find((l) => l.loginEventId === target.correlationid);
    expect(exportedLogin.parse(line)).toEqual({
      loginEventId: target.correlationid,
      recordId: target.data.history.recordId,
      loggedInAt: target.time,
      partial: true,
      data: {
        accountId: target.data.accountId,
        ip: target.data.ip,
        client: { platform: 'pc', version: '1.4.2' },
        geo: { country: target.data.geo.country },
        history: target.data.history,
      },
    });
  });

  test.each([
    [{ to: to.toISOString() }, 'query.from'],
    [{ from: 'yesterday', to: to.toISOString() }, 'query.from'],
    [{ from: from.toISOString() }, 'query.to'],
    [{ from: to.toISOString(), to: from.toISOString() }, 'query.to'],
    [{ from: from.toISOString(), to: from.toISOString() }, 'query.to'],
    [{ ...window, limit: 0 }, 'query.limit'],
    [{ ...window, limit: 10_001 }, 'query.limit'],
    [{ ...window, limit: 'ten' }, 'query.limit'],
    [{ ...window, cursor: 'not-a-cursor!' }, 'query.cursor'],
    [{ ...window, cursor: 'eyJhIjoxfQ' }, 'query.cursor'],
  ])('when the query is %j, then 400 naming %s', async (query, field) => {
    const res = await get(query as Record<string, string | number>, service);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });
});

import {
  LOGIN_RECORDED,
  LoginRecordedEvent,
  followUpId,
  listDeadLetters,
  loginRecordedEvent,
} from '@account-security/shared';
import { barrier, inFlightAt, waitUntil } from '@account-security/shared/testing';
import { sql } from 'kysely';
import { Harness, geoResolved, minutesAgo, startHarness } from '../support/harness';

const QUEUE = 'login-history.login.geo-resolved';

describe('recording logins from login.geo-resolved', () => {
  let h: Harness;
  // Login ids whose next login.recorded publish fails, as if the process died before the confirm.
  const failNextPublish = new Set<string>();
  const failedPublishes: { loginId: string; storedRows: number }[] = [];

  beforeAll(async () => {
    h = await startHarness(
      'lh_recording',
      {},
      {
        publisher: (real) => ({
          publish: async (event: LoginRecordedEvent) => {
            if (failNextPublish.delete(event.correlationid!)) {
              const storedRows = await idRowCount(event.data.accountId);
              failedPublishes.push({ loginId: event.correlationid!, storedRows });
              throw new Error('simulated crash before the broker confirmed login.recorded');
            }
            await real.publish(event);
          },
        }),
      },
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  const counter = async (port: number, name: string) => {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    const re = new RegExp(
      `^${name}\\{[^}]*queue="login-history\\.login\\.geo-resolved"[^}]*\\} (\\d+)$`,
      'm',
    );
    return Number(re.exec(text)?.[1] ?? 0);
  };
  const handledCount = async (port: number) => {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    const m =
      /messages_consumed_total\{[^}]*queue="login-history\.login\.geo-resolved"[^}]*outcome="handled"[^}]*\} (\d+)|messages_consumed_total\{[^}]*outcome="handled"[^}]*queue="login-history\.login\.geo-resolved"[^}]*\} (\d+)/.exec(
        text,
      );
    return m ? Number(m[1] ?? m[2]) : 0;
  };
  const rowCount = async (accountId: string) =>
    Number(
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from logins where account_id = ${accountId}`.execute(h.database.db)
      ).rows[0]!.n,
    );
  const idRowCount = async (accountId: string) =>
    (
      await h.database.db
        .selectFrom('recorded_logins')
        .where('account_id', '=', accountId)
        .select('login_id')
        .execute()
    ).length;

  test('when N logins arrive, then N rows are stored and N valid login.recorded events are published with derived ids', async () => {
    const events = Array.from({ length: 60 }, (_, i) =>
      geoResolved({ accountId: `acc-n-${i % 7}`, country: i % 2 ? 'KR' : 'JP', time: minutesAgo(120 - i) }),
    );
    await h.publish(...events);
    const ids = events.map((e) => e.correlationid!);
    await waitUntil(() => h.recordedFor(ids).length >= 60, 20000, '60 login.recorded');

    const { n } = (
      await sql<{ n: number }>`select count(*)::int as n from logins where account_id like 'acc-n-%'`.execute(
        h.database.db,
      )
    ).rows[0]!;
    expect(n).toBe(60);
    const out = h.recordedFor(ids);
    expect(new Set(out.map((m) => m.body.id)).size).toBe(60);
    for (const m of out) {
      expect(m.body.id).toBe(followUpId(m.body.correlationid, LOGIN_RECORDED));
      expect(m.properties.correlationId).toBe(m.body.correlationid);
      expect(loginRecordedEvent.safeParse(m.body).success).toBe(true);
    }
  });

  test('when logins are stored, then a row holds time, IP, country, place and client and nothing else of the event', async () => {
    const e = geoResolved({
      accountId: 'acc-row',
      country: 'KR',
      time: new Date('2026-11-20T08:00:00.123Z'),
      ip: '2001:DB8::42',
    });
    await h.publish(e);
    await waitUntil(() => h.recordedFor([e.correlationid!]).length === 1);

    const { rows } = await sql<Record<string, unknown>>`
      select account_id, login_id, logged_in_at, host(ip) as ip, country, client_platform, client_version from logins
      where account_id = 'acc-row'`.execute(h.database.db);
    expect(rows).toEqual([
      {
        account_id: 'acc-row',
        // The login's identity (SPEC §3): what its answer names (SPEC §8).
        login_id: e.correlationid,
        logged_in_at: new Date('2026-11-20T08:00:00.123Z'),
        ip: '2001:db8::42',
        country: 'KR',
        client_platform: 'pc',
        client_version: '1.4.2',
      },
    ]);
    const columns = (
      await sql<{ column_name: string }>`
        select column_name from information_schema.columns where table_name = 'logins' order by column_name`.execute(
        h.database.db,
      )
    ).rows.map((r) => r.column_name);
    expect(columns).toEqual([
      'account_id',
      'client_platform',
      'client_version',
      'country',
      'failure_reason',
      'id',
      'ip',
      'latitude',
      'location_source',
      'logged_in_at',
      'login_id',
      'longitude',
      'result',
    ]);

    const [event] = h.recordedFor([e.correlationid!]);
    const { id } = await h.database.db
      .selectFrom('logins')
      .select('id')
      .where('account_id', '=', 'acc-row')
      .executeTakeFirstOrThrow();
    expect(event.body.time).toBe('2026-11-20T08:00:00.123Z');
    expect(event.body.data.history.recordId).toBe(id);
    expect(event.body.data.sessionId).toBe(e.data.sessionId);
    expect(event.body.data.geo).toEqual(e.data.geo);
  });

  test('when the same logins are delivered again, then no row is added and the republished events repeat the same ids and facts', async () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      geoResolved({
        accountId: `acc-redeliver-${i % 3}`,
        country: ['KR', 'JP', 'US'][i % 3]!,
        time: minutesAgo(60 - i),
      }),
    );
    const ids = events.map((e) => e.correlationid!);
    await h.publish(...events);
    await waitUntil(() => h.recordedFor(ids).length >= 20);
    const first = new Map(h.recordedFor(ids).map((m) => [m.body.correlationid, m.body]));

    await h.publish(...events);
    await waitUntil(() => h.recordedFor(ids).length >= 40);
    for (const account of ['acc-redeliver-0', 'acc-redeliver-1', 'acc-redeliver-2']) {
      const sent = events.filter((e) => e.data.accountId === account).length;
      expect(await rowCount(account)).toBe(sent);
      expect(await idRowCount(account)).toBe(sent);
    }
    const again = h.recordedFor(ids).slice(20);
    for (const m of again) {
      const before = first.get(m.body.correlationid)!;
      expect(m.body.id).toBe(before.id);
      expect(m.body.time).toBe(before.time);
      expect(m.body.data.history).toEqual(before.data.history);
    }
  });

  test('when two service instances race on the same deliveries, then each login is stored once', async () => {
    const other = await h.startAnother();
    const handledBefore = await handledCount(h.svc.adminPort);
    const events = Array.from({ length: 40 }, (_, i) =>
      geoResolved({ accountId: `acc-race-${i % 4}`, country: i % 3 ? 'KR' : 'DE', time: minutesAgo(50 - i) }),
    );
    const ids = events.map((e) => e.correlationid!);
    // Every event three times at once: copies land on both instances and inside the same batch.
    await Promise.all([h.publish(...events), h.publish(...events), h.publish(...events)]);
    // Duplicates within one batch share one publish, so count settled deliveries instead.
    await waitUntil(
      async () =>
        (await handledCount(h.svc.adminPort)) - handledBefore + (await handledCount(other.adminPort)) >= 120,
      20000,
      'all 120 deliveries handled',
    );
    await other.stop();
    expect(new Set(h.recordedFor(ids).map((m) => m.body.correlationid)).size).toBe(40);

    for (let a = 0; a < 4; a++) {
      expect(await rowCount(`acc-race-${a}`)).toBe(10);
      expect(await idRowCount(`acc-race-${a}`)).toBe(10);
    }
    // Whoever published it, a login's event is the same event.
    const byLogin = new Map<string, string>();
    for (const m of h.recordedFor(ids)) {
      const body = JSON.stringify({ id: m.body.id, history: m.body.data.history });
      expect(byLogin.get(m.body.correlationid) ?? body).toBe(body);
      byLogin.set(m.body.correlationid, body);
    }
  });

  test('when the service dies after storing a login but before login.recorded is confirmed, then the redelivery publishes it once with the stored facts', async () => {
    const before = geoResolved({ accountId: 'acc-crash', country: 'KR', time: minutesAgo(30) });
    await h.publish(before);
    await waitUntil(() => h.recordedFor([before.correlationid!]).length === 1);

    const e = geoResolved({ accountId: 'acc-crash', country: 'JP', time: minutesAgo(10) });
    failNextPublish.add(e.correlationid!);
    await h.publish(e);
    await waitUntil(
      () => h.recordedFor([e.correlationid!]).length === 1,
      10000,
      'the republished login.recorded',
    );

    // The login was already stored (committed) when the publish failed.
    expect(failedPublishes).toEqual([{ loginId: e.correlationid, storedRows: 2 }]);
    expect(await rowCount('acc-crash')).toBe(2);
    // A stray second publish would be in by the time a later login's is (see barrier.ts).
    await barrier.afterQueue({
      vhost: h.vhost,
      queue: { name: QUEUE, inFlight: inFlightAt([h.svc], QUEUE) },
      sentinel: () => {
        const s = geoResolved({ accountId: 'acc-crash-sentinel', country: 'KR', time: new Date() });
        return {
          send: () => h.publish(s),
          seen: () => h.recordedFor([s.correlationid!]).length > 0,
        };
      },
    });
    const [event] = h.recordedFor([e.correlationid!]);
    expect(h.recordedFor([e.correlationid!])).toHaveLength(1);
    expect(event.body.id).toBe(followUpId(e.correlationid!, LOGIN_RECORDED));
    expect(event.body.data.history).toMatchObject({
      newCountry: true,
      previous: { country: 'KR', ip: '203.0.113.7', loggedInAt: before.time },
    });
    const metrics = await fetch(`http://127.0.0.1:${h.svc.adminPort}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(
      /messages_retried_total\{[^}]*queue="login-history.login.geo-resolved"[^}]*\} [1-9]/,
    );
  });

  test('when one login of a batch makes the database fail, then the others are recorded at once and only it is retried and dead-lettered', async () => {
    // A constraint this database alone has, so one login's insert fails like a poison message's would.
    await sql`alter table logins add constraint refuse_poison check (client_platform <> 'poison')`.execute(
      h.database.db,
    );
    const retriedBefore = await counter(h.svc.adminPort, 'messages_retried_total');
    const good = Array.from({ length: 6 }, (_, i) =>
      geoResolved({ accountId: `acc-batch-${i}`, country: 'KR', time: minutesAgo(5) }),
    );
    const poison = geoResolved({
      accountId: 'acc-batch-0',
      country: 'KR',
      time: minutesAgo(4),
      platform: 'poison',
    });
    await h.publish(...good.slice(0, 3), poison, ...good.slice(3));

    await waitUntil(() => h.recordedFor(good.map((e) => e.correlationid!)).length === 6);
    let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await waitUntil(
      async () =>
        (dead = await listDeadLetters(h.vhost.url, 'login-history.login.geo-resolved')).some(
          (d) => d.messageId === poison.id,
        ),
      10000,
    );
    expect(dead.find((d) => d.messageId === poison.id)).toMatchObject({
      reason: 'retries_exhausted',
      attempts: 3,
    });
    expect(dead.find((d) => d.messageId === poison.id)!.error).toMatch(/refuse_poison/);
    // Two retries (the test's RETRY_DELAYS_MS has two delays), all of them the poison's.
    expect((await counter(h.svc.adminPort, 'messages_retried_total')) - retriedBefore).toBe(2);
    expect(h.recordedFor([poison.correlationid!])).toEqual([]);
    expect(await rowCount('acc-batch-0')).toBe(1);
    await sql`alter table logins drop constraint refuse_poison`.execute(h.database.db);
  });

  test('when a login is stamped more than a day in the future, then it is dead-lettered and not stored', async () => {
    const e = geoResolved({
      accountId: 'acc-future',
      country: 'KR',
      time: new Date(Date.now() + 3 * 24 * 3600_000),
    });
    const ok = geoResolved({ accountId: 'acc-future', country: 'KR', time: minutesAgo(1) });
    await h.publish(e, ok);
    let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await waitUntil(
      async () =>
        (dead = await listDeadLetters(h.vhost.url, 'login-history.login.geo-resolved')).some(
          (d) => d.messageId === e.id,
        ),
      10000,
    );
    expect(dead.find((d) => d.messageId === e.id)!.error).toMatch(/future/);
    await waitUntil(() => h.recordedFor([ok.correlationid!]).length === 1);
    expect(await rowCount('acc-future')).toBe(1);
  });

  test('when the service is up, then /readyz reports the database and the broker ready', async () => {
    const res = await fetch(`http://127.0.0.1:${h.svc.port}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', checks: { broker: 'ok', database: 'ok' } });
  });
});

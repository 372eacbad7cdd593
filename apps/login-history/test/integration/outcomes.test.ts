import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  EVENTS_EXCHANGE,
  LOGIN_ASSESSED,
  LOGIN_RECORDED,
  LOGIN_REPORTED,
  RunningService,
  listDeadLetters,
} from '@account-security/shared';
import {
  MessageCollector,
  TestDatabase,
  TestVhost,
  createTestDatabase,
  createTestVhost,
  publishRaw,
  signToken,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import { setUpBrokerUsers, urlAs } from '@account-security/shared/testing/broker-users';
import { sql } from 'kysely';
import type { DB } from '../../src/data-access/tables';
import { start } from '../../src/main';
import { LOGIN_ASSESSED_QUEUE } from '../../src/entry-points/login-assessed.consumer';
import { LOGIN_REPORTED_QUEUE } from '../../src/entry-points/login-reported.consumer';
import {
  AssessedEvent,
  FailedGeoResolvedEvent,
  GeoResolvedEvent,
  Harness,
  ReportedEvent,
  failedGeoResolved,
  geoResolved,
  loginAssessed,
  loginReported,
  minutesAgo,
  startHarness,
} from '../support/harness';

const ASSESSED_Q = LOGIN_ASSESSED_QUEUE.name;
const REPORTED_Q = LOGIN_REPORTED_QUEUE.name;

/** Messages of a queue settled so far (handled, retried or dead-lettered), from /metrics. */
async function settled(svc: RunningService, queue: string): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${svc.adminPort}/metrics`).then((r) => r.text());
  return text
    .split('\n')
    .filter((l) => l.startsWith('messages_consumed_total{') && l.includes(`queue="${queue}"`))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

/** SPEC §8: assessments and answers from account-guard in the player's history. */
describe('outcomes of logins in the history', () => {
  let h: Harness;
  const base = Date.now();
  const t = (minute: number) => minutesAgo(600 - minute, base);
  const support = signToken({ sub: 'staff-7', roles: ['support'] });

  /** Published by a connection of its own, as account-guard (or anyone on the broker) would. */
  const publish = async (...events: (AssessedEvent | ReportedEvent)[]) => {
    for (const e of events) await publishRaw(h.vhost.url, EVENTS_EXCHANGE, e.type, e);
  };
  /** Publishes and waits until the consumer has settled them, whatever it did with them. */
  const publishAndSettle = async (...events: (AssessedEvent | ReportedEvent)[]) => {
    const queues = [ASSESSED_Q, REPORTED_Q];
    const before = await Promise.all(queues.map((q) => settled(h.svc, q)));
    await publish(...events);
    const expected = queues.map(
      (q, i) =>
        before[i]! + events.filter((e) => (e.type === LOGIN_ASSESSED ? ASSESSED_Q : REPORTED_Q) === q).length,
    );
    await waitUntil(
      async () =>
        (await Promise.all(queues.map((q) => settled(h.svc, q)))).every((n, i) => n >= expected[i]!),
      20000,
      'outcome events settled',
    );
  };
  const record = async (...events: GeoResolvedEvent[]) => {
    await h.publish(...events);
    await waitUntil(() => h.recordedFor(events.map((e) => e.correlationid!)).length >= events.length);
  };
  const recordFailures = async (...events: FailedGeoResolvedEvent[]) => {
    await h.publish(...events);
    const ids = events.map((e) => e.correlationid!);
    await waitUntil(async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from recorded_logins where login_id = any(${ids}::text[])`.execute(
        h.database.db,
      );
      return rows[0]!.n === ids.length;
    });
  };
  const history = async (accountId: string, token = signToken({ sub: accountId }), query = {}) => {
    const res = await request(h.svc.server)
      .get(`/v1/accounts/${encodeURIComponent(accountId)}/logins`)
      .query(query)
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    return res.body as { items: any[]; nextCursor: string | null };
  };
  const itemOf = async (accountId: string, loggedInAt: Date) =>
    (await history(accountId)).items.find((i) => i.loggedInAt === loggedInAt.toISOString());
  const untilShown = (accountId: string, loggedInAt: Date, cond: (item: any) => boolean, what: string) =>
    waitUntil(async () => cond(await itemOf(accountId, loggedInAt)), 20000, what);

  beforeAll(async () => {
    h = await startHarness('lh_outcomes');
  });
  afterAll(async () => {
    await h?.close();
  });

  test('when a login is assessed and then answered "not me", then the player and support see its assessment with the answer, and a failed attempt has none', async () => {
    const login = geoResolved({ accountId: 'acc-out-a', country: 'US', time: t(10), ip: '198.51.100.10' });
    const failure = failedGeoResolved({ accountId: 'acc-out-a', time: t(9), ip: '198.51.100.10' });
    await record(login);
    await recordFailures(failure);
    const loginId = login.correlationid!;

    await publish(
      loginAssessed({ accountId: 'acc-out-a', loginId, time: t(10), risk: 82 }),
      loginReported({ accountId: 'acc-out-a', loginId, answer: 'not_me', at: t(20) }),
    );
    await untilShown('acc-out-a', t(10), (i) => i?.assessment?.answer === 'not_me', 'the answer shown');

    const expected = {
      verdict: 'suspicious',
      risk: 82,
      reasons: ['foreign_country'],
      signals: [{ code: 'foreign_country', level: 'suspicious', detail: { country: 'US', home: 'KR' } }],
      actions: [
        { type: 'notify', channel: 'email', status: 'sent' },
        { type: 'kick', status: 'done' },
      ],
      answer: 'not_me',
    };
    for (const page of [await history('acc-out-a'), await history('acc-out-a', support)]) {
      expect(page.items).toEqual([
        {
          id: expect.any(String),
          // The login's own id: the one its answer is posted to (SPEC §8 feedback).
          loginEventId: loginId,
          loggedInAt: t(10).toISOString(),
          ip: '198.51.100.10',
          country: 'US',
          client: { platform: 'pc', version: '1.4.2' },
          result: 'succeeded',
          assessment: expected,
        },
        {
          id: expect.any(String),
          loginEventId: failure.correlationid,
          loggedInAt: t(9).toISOString(),
          ip: '198.51.100.10',
          country: 'KR',
          client: { platform: 'pc', version: '1.4.2' },
          result: 'failed',
          reason: 'bad_password',
        },
      ]);
    }
    // Stored once per login, under the login's own id and record id.
    const rows = await h.database.db
      .selectFrom('login_outcomes')
      .selectAll()
      .where('login_id', '=', loginId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ account_id: 'acc-out-a', answer: 'not_me', answered_by: 'player' });
    expect(rows[0]!.record_id).toBe(h.recordedFor([loginId])[0]!.body.data.history.recordId);
  });

  test('when an older assessment arrives after a newer one, or the newer one is redelivered, then the newer one stays; a later one replaces it', async () => {
    const login = geoResolved({ accountId: 'acc-out-b', country: 'JP', time: t(30) });
    await record(login);
    const loginId = login.correlationid!;
    const newer = loginAssessed({
      accountId: 'acc-out-b',
      loginId,
      time: t(31),
      verdict: 'unusual',
      risk: 55,
      reasons: ['new_device'],
      signals: [{ code: 'new_device', level: 'unusual', detail: {} }],
      actions: [{ type: 'notify', channel: 'in_game', status: 'sent' }],
    });
    await publishAndSettle(newer);
    expect((await itemOf('acc-out-b', t(30))).assessment).toMatchObject({ verdict: 'unusual', risk: 55 });

    const older = loginAssessed({
      accountId: 'acc-out-b',
      loginId,
      time: t(30),
      verdict: 'trusted',
      risk: 3,
      id: randomUUID(),
    });
    // Apart and together (one batch): neither the older nor a redelivery changes anything.
    await publishAndSettle(older);
    await publishAndSettle(newer, older, newer);
    expect((await itemOf('acc-out-b', t(30))).assessment).toEqual({
      verdict: 'unusual',
      risk: 55,
      reasons: ['new_device'],
      signals: [{ code: 'new_device', level: 'unusual', detail: {} }],
      actions: [{ type: 'notify', channel: 'in_game', status: 'sent' }],
      answer: null,
    });

    const later = loginAssessed({
      accountId: 'acc-out-b',
      loginId,
      time: t(32),
      verdict: 'suspicious',
      risk: 90,
      actions: [{ type: 'kick', status: 'done' }],
      id: randomUUID(),
    });
    await publishAndSettle(later, older);
    expect((await itemOf('acc-out-b', t(30))).assessment).toMatchObject({
      verdict: 'suspicious',
      risk: 90,
      actions: [{ type: 'kick', status: 'done' }],
    });

    // A shadow deployment's assessment (SPEC §10) never replaces what was enforced, even later.
    const shadow = loginAssessed({
      accountId: 'acc-out-b',
      loginId,
      time: t(33),
      verdict: 'suspicious',
      risk: 99,
      shadow: true,
      actions: [{ type: 'lock', status: 'shadow' }],
      id: randomUUID(),
    });
    await publishAndSettle(shadow);
    expect((await itemOf('acc-out-b', t(30))).assessment).toMatchObject({
      risk: 90,
      actions: [{ type: 'kick', status: 'done' }],
    });
    expect((await itemOf('acc-out-b', t(30))).assessment.shadow).toBeUndefined();
  });

  test('when only a shadow deployment has assessed a login, then its assessment shows until an enforced one arrives, even an older one', async () => {
    const login = geoResolved({ accountId: 'acc-out-s', country: 'JP', time: t(35) });
    await record(login);
    const loginId = login.correlationid!;
    await publishAndSettle(
      loginAssessed({
        accountId: 'acc-out-s',
        loginId,
        time: t(36),
        verdict: 'suspicious',
        risk: 80,
        shadow: true,
        actions: [{ type: 'lock', status: 'shadow' }],
        id: randomUUID(),
      }),
    );
    expect((await itemOf('acc-out-s', t(35))).assessment).toMatchObject({ shadow: true, risk: 80 });
    await publishAndSettle(
      loginAssessed({
        accountId: 'acc-out-s',
        loginId,
        time: t(35),
        verdict: 'trusted',
        risk: 4,
        id: randomUUID(),
      }),
    );
    expect((await itemOf('acc-out-s', t(35))).assessment).toMatchObject({ verdict: 'trusted', risk: 4 });
    expect((await itemOf('acc-out-s', t(35))).assessment.shadow).toBeUndefined();
  });

  test('when the answer comes before the assessment (even before the login), then it is kept and shown once assessed; the latest answer wins', async () => {
    // Answered before its assessment.
    const login = geoResolved({ accountId: 'acc-out-c', country: 'US', time: t(40) });
    await record(login);
    const loginId = login.correlationid!;
    await publishAndSettle(loginReported({ accountId: 'acc-out-c', loginId, answer: 'me', at: t(45) }));
    const before = await itemOf('acc-out-c', t(40));
    expect(before.result).toBe('succeeded');
    expect(before).not.toHaveProperty('assessment');

    await publishAndSettle(loginAssessed({ accountId: 'acc-out-c', loginId, time: t(40) }));
    expect((await itemOf('acc-out-c', t(40))).assessment).toMatchObject({
      verdict: 'suspicious',
      answer: 'me',
    });

    // "Not me" later replaces "me"; an older "me" (redelivered, or sent before) does not come back.
    await publishAndSettle(loginReported({ accountId: 'acc-out-c', loginId, answer: 'not_me', at: t(46) }));
    expect((await itemOf('acc-out-c', t(40))).assessment.answer).toBe('not_me');
    await publishAndSettle(loginReported({ accountId: 'acc-out-c', loginId, answer: 'me', at: t(45) }));
    expect((await itemOf('acc-out-c', t(40))).assessment.answer).toBe('not_me');
    // Nor does a "me" stamped later by a replica whose clock runs ahead: "not me" wins.
    await publishAndSettle(loginReported({ accountId: 'acc-out-c', loginId, answer: 'me', at: t(47) }));
    expect((await itemOf('acc-out-c', t(40))).assessment.answer).toBe('not_me');

    // Assessed and answered before the login itself is recorded.
    const early = geoResolved({ accountId: 'acc-out-c', country: 'DE', time: t(50) });
    const earlyId = early.correlationid!;
    await publishAndSettle(
      loginReported({ accountId: 'acc-out-c', loginId: earlyId, answer: 'not_me', at: t(55) }),
      loginAssessed({ accountId: 'acc-out-c', loginId: earlyId, time: t(50), risk: 71 }),
    );
    expect(await itemOf('acc-out-c', t(50))).toBeUndefined();
    await record(early);
    expect((await itemOf('acc-out-c', t(50))).assessment).toMatchObject({ risk: 71, answer: 'not_me' });
  });

  test("when an outcome names another account than its login's, then it is never shown on either account; when the login's is known it is dead-lettered", async () => {
    const login = geoResolved({ accountId: 'acc-out-d', country: 'US', time: t(60) });
    await record(login);
    const loginId = login.correlationid!;
    const forged = loginAssessed({
      accountId: 'acc-out-evil',
      loginId,
      time: t(61),
      verdict: 'trusted',
      risk: 0,
    });
    const forgedAnswer = loginReported({ accountId: 'acc-out-evil', loginId, answer: 'me', at: t(62) });
    await publishAndSettle(forged, forgedAnswer);

    for (const [queue, id] of [
      [ASSESSED_Q, forged.id],
      [REPORTED_Q, forgedAnswer.id],
    ] as const) {
      const dead = await listDeadLetters(h.vhost.url, queue);
      expect(dead.find((d) => d.messageId === id)).toMatchObject({ reason: 'account_mismatch' });
      expect(dead.find((d) => d.messageId === id)!.error).toMatch(/not a login of account acc-out-evil/);
    }
    expect(await itemOf('acc-out-d', t(60))).not.toHaveProperty('assessment');
    expect((await history('acc-out-evil')).items).toEqual([]);

    // The consumer goes on: the real assessment comes through.
    await publishAndSettle(loginAssessed({ accountId: 'acc-out-d', loginId, time: t(60), risk: 77 }));
    expect((await itemOf('acc-out-d', t(60))).assessment).toMatchObject({ risk: 77, answer: null });

    // Before the login is known, an outcome under another account is kept but never shown on the
    // login's account; the login's own outcome then takes the row over.
    const unknown = geoResolved({ accountId: 'acc-out-d', country: 'FR', time: t(70) });
    const unknownId = unknown.correlationid!;
    await publishAndSettle(
      loginAssessed({
        accountId: 'acc-out-evil',
        loginId: unknownId,
        time: t(70),
        verdict: 'trusted',
        risk: 1,
      }),
      loginReported({ accountId: 'acc-out-evil', loginId: unknownId, answer: 'me', at: t(71) }),
    );
    await record(unknown);
    expect(await itemOf('acc-out-d', t(70))).not.toHaveProperty('assessment');
    await publishAndSettle(
      loginAssessed({ accountId: 'acc-out-d', loginId: unknownId, time: t(70), risk: 66 }),
    );
    // The other account's "me" went with the takeover.
    expect((await itemOf('acc-out-d', t(70))).assessment).toMatchObject({ risk: 66, answer: null });
  });

  test('when a message is invalid, then it is dead-lettered with the reason and the consumer goes on', async () => {
    const login = geoResolved({ accountId: 'acc-out-e', country: 'US', time: t(80) });
    await record(login);
    const loginId = login.correlationid!;
    const badRisk = loginAssessed({
      accountId: 'acc-out-e',
      loginId,
      time: t(80),
      risk: 150,
      id: randomUUID(),
    });
    const twoLogins = {
      ...loginAssessed({ accountId: 'acc-out-e', loginId, time: t(80), id: randomUUID() }),
    };
    twoLogins.correlationid = randomUUID();
    const future = loginReported({
      accountId: 'acc-out-e',
      loginId,
      answer: 'not_me',
      at: new Date(Date.now() + 3 * 24 * 3600_000),
    });
    await publishRaw(h.vhost.url, EVENTS_EXCHANGE, LOGIN_REPORTED, 'not json {', {
      messageId: 'raw-not-json',
    });
    await waitUntil(async () =>
      (await listDeadLetters(h.vhost.url, REPORTED_Q)).some((d) => d.messageId === 'raw-not-json'),
    );
    await publishAndSettle(badRisk, twoLogins, future);
    await publishAndSettle(loginReported({ accountId: 'acc-out-e', loginId, answer: 'me', at: t(81) }));
    await publishAndSettle(loginAssessed({ accountId: 'acc-out-e', loginId, time: t(80), risk: 44 }));

    const deadAssessed = await listDeadLetters(h.vhost.url, ASSESSED_Q);
    expect(deadAssessed.find((d) => d.messageId === badRisk.id)).toMatchObject({ reason: 'invalid_data' });
    expect(deadAssessed.find((d) => d.messageId === badRisk.id)!.error).toMatch(/data\.risk/);
    expect(deadAssessed.find((d) => d.messageId === twoLogins.id)).toMatchObject({ reason: 'invalid_data' });
    expect(deadAssessed.find((d) => d.messageId === twoLogins.id)!.error).toMatch(/correlationid/);
    const deadReported = await listDeadLetters(h.vhost.url, REPORTED_Q);
    expect(deadReported.find((d) => d.messageId === 'raw-not-json')).toMatchObject({
      reason: 'invalid_json',
    });
    expect(deadReported.find((d) => d.messageId === future.id)).toMatchObject({ reason: 'invalid_data' });
    expect(deadReported.find((d) => d.messageId === future.id)!.error).toMatch(/future/);

    expect((await itemOf('acc-out-e', t(80))).assessment).toMatchObject({ risk: 44, answer: 'me' });
    const metrics = await fetch(`http://127.0.0.1:${h.svc.adminPort}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(
      new RegExp(
        `messages_dead_lettered_total\\{[^}]*queue="${ASSESSED_Q.replace(/\./g, '\\.')}"[^}]*reason="invalid_data"`,
      ),
    );
  });

  test('when a player pages 2 at a time through succeeded and failed logins, then each comes exactly once, newest first, with its own assessment', async () => {
    const acc = 'acc-out-paged';
    const sameMs = t(100);
    const logins = [
      geoResolved({ accountId: acc, country: 'KR', time: t(90) }),
      geoResolved({ accountId: acc, country: 'US', time: t(93) }),
      geoResolved({ accountId: acc, country: 'JP', time: sameMs }),
      geoResolved({ accountId: acc, country: 'DE', time: t(104) }),
    ];
    const failures = [
      failedGeoResolved({ accountId: acc, time: t(91), ip: '198.51.100.91' }),
      failedGeoResolved({ accountId: acc, time: sameMs, ip: '198.51.100.100' }),
      failedGeoResolved({
        accountId: acc,
        time: t(102),
        ip: '198.51.100.102',
        reason: 'second_factor_failed',
      }),
    ];
    await record(...logins);
    await recordFailures(...failures);
    await publishAndSettle(
      ...logins.map((l, i) =>
        loginAssessed({ accountId: acc, loginId: l.correlationid!, time: new Date(l.time), risk: 10 + i }),
      ),
    );

    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: any[]; nextCursor: string | null } = await history(acc, undefined, {
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    expect(pages).toBe(4);
    expect(seen).toHaveLength(7);
    expect(new Set(seen.map((i) => i.id)).size).toBe(7);
    // Newest first by (time, record id), the order the keyset cursor pages in.
    const key = (i: any) => `${i.loggedInAt}/${i.id}`;
    const order = [...seen].sort((a, b) => (key(a) < key(b) ? 1 : -1));
    expect(new Set(seen.map((i) => i.loginEventId))).toEqual(
      new Set([...logins, ...failures].map((e) => e.correlationid)),
    );
    expect(seen.map((i) => i.id)).toEqual(order.map((i) => i.id));
    expect(seen.map((i) => [i.loggedInAt, i.result])).toEqual(
      expect.arrayContaining([
        [sameMs.toISOString(), 'failed'],
        [sameMs.toISOString(), 'succeeded'],
      ]),
    );
    for (const item of seen) {
      if (item.result === 'failed') {
        expect(item).not.toHaveProperty('assessment');
      } else {
        const i = logins.findIndex((l) => l.time === item.loggedInAt);
        expect(item.assessment.risk).toBe(10 + i);
      }
    }
    const full = await history(acc, undefined, { limit: 50 });
    expect(full.items.map((i) => i.id)).toEqual(seen.map((i) => i.id));
  });
});

/**
 * As in the compose file: login-history with its own broker user and TRUSTED_PUBLISHERS on. Its
 * rights (deploy/rabbitmq/definitions.json) let it declare and read its outcome queues; only
 * account-guard's outcomes are taken.
 */
describe('outcomes with TRUSTED_PUBLISHERS on', () => {
  let vhost: TestVhost;
  let database: TestDatabase<DB>;
  let svc: RunningService;
  let recorded: MessageCollector;

  beforeAll(async () => {
    vhost = await createTestVhost('lh-outcomes-trusted');
    await setUpBrokerUsers(vhost.name);
    database = await createTestDatabase<DB>('login-history');
    svc = await start(
      testEnv({
        AMQP_URL: urlAs('login-history', vhost.name),
        DATABASE_URL: database.url,
        TRUSTED_PUBLISHERS: 'true',
      }),
    );
    await svc.broker.waitForReady();
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()), 20000, 'consuming');
    recorded = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_RECORDED },
    ]);
  });
  afterAll(async () => {
    await recorded?.close();
    await svc?.stop();
    await database?.drop();
    await vhost?.delete();
  });

  test('when account-guard publishes an outcome, then it is shown; when someone else does, then it is dead-lettered as untrusted', async () => {
    const login = geoResolved({ accountId: 'acc-trusted', country: 'US', time: minutesAgo(5) });
    await publishRaw(urlAs('ip-checker', vhost.name), EVENTS_EXCHANGE, login.type, login, {
      userId: 'ip-checker',
    });
    await waitUntil(() =>
      recorded.of(LOGIN_RECORDED).some((m) => m.body.correlationid === login.correlationid),
    );
    const loginId = login.correlationid!;

    // The broker itself refuses login.reported from login-server (its topic rights); a user that
    // may write anywhere (guest here) gets through the broker, not past the consumer's check.
    const forged = loginReported({ accountId: 'acc-trusted', loginId, answer: 'me', at: minutesAgo(2) });
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_REPORTED, forged);
    await waitUntil(async () =>
      (await listDeadLetters(vhost.url, REPORTED_Q)).some(
        (d) => d.messageId === forged.id && d.reason === 'untrusted_publisher',
      ),
    );

    const guard = urlAs('account-guard', vhost.name);
    for (const e of [
      loginAssessed({ accountId: 'acc-trusted', loginId, time: new Date(login.time), risk: 61 }),
      loginReported({ accountId: 'acc-trusted', loginId, answer: 'not_me', at: minutesAgo(1) }),
    ]) {
      await publishRaw(guard, EVENTS_EXCHANGE, e.type, e, { userId: 'account-guard' });
    }
    const token = signToken({ sub: 'acc-trusted' });
    let item: any;
    await waitUntil(async () => {
      const res = await request(svc.server)
        .get('/v1/accounts/acc-trusted/logins')
        .set('Authorization', `Bearer ${token}`);
      item = res.body.items?.[0];
      return item?.assessment?.answer === 'not_me';
    });
    expect(item.assessment).toMatchObject({ verdict: 'suspicious', risk: 61, answer: 'not_me' });
  });
});

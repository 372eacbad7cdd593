/**
 * SPEC §7 "Failed logins": ip-checker consumes `login.failed` from its own queue and publishes
 * `login.failed.geo-resolved` with the same `geo` a success gets, whether the attempt came over
 * AMQP or through the HTTP ingress. The country data here is a city database, so `geo.location`
 * is there where it places an address (ip-checker.test.ts runs a country database: none).
 */
import {
  EVENTS_EXCHANGE,
  LOGIN_FAILED,
  LOGIN_FAILED_GEO_RESOLVED,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  RunningService,
  createEvent,
  followUpId,
  listDeadLetters,
  loginFailedGeoResolvedEvent,
  loginGeoResolvedEvent,
} from '@account-security/shared';
import {
  MessageCollector,
  TestVhost,
  barrier,
  createTestVhost,
  inFlightAt,
  publishRaw,
  signToken,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import { start } from '../../src/main';
import { TempDir, maxmindAsnDb, maxmindCityDb, tempDir } from '../support/fixtures';
import { writeMmdb } from '../support/mmdb-writer';

const QUEUE = 'ip-checker.login.failed';
const DATABASE = 'GeoLite2-City 2026-05-26, GeoLite2-ASN 2026-05-27';
const SEOUL = { latitude: 37.5665, longitude: 126.978, accuracyKm: 20 };

let seq = 0;
const failed = (ip: string, extra: Record<string, unknown> = {}) => {
  const n = ++seq;
  return createEvent({
    type: LOGIN_FAILED,
    source: 'game-login/kr-1',
    subject: `typed-${n}`,
    data: {
      accountId: `typed-${n}`,
      ip,
      client: { platform: 'pc', version: '1.4.2' },
      reason: 'bad_password',
      ...extra,
    },
  });
};
const succeeded = (ip: string) => {
  const n = ++seq;
  return createEvent({
    type: LOGIN_SUCCEEDED,
    source: 'game-login/kr-1',
    subject: `acc-${n}`,
    data: { accountId: `acc-${n}`, sessionId: `s-${n}`, ip, client: { platform: 'pc', version: '1.4.2' } },
  });
};

describe('ip-checker and failed logins', () => {
  let vhost: TestVhost;
  let dir: TempDir;
  let svc: RunningService;
  let out: MessageCollector;
  const resolvedFor = (id: string) =>
    out.of(LOGIN_FAILED_GEO_RESOLVED).filter((m) => m.body.correlationid === id);
  const waitResolved = async (id: string) => {
    await waitUntil(() => resolvedFor(id).length > 0, 20000, `login.failed.geo-resolved for ${id}`);
    return resolvedFor(id)[0]!;
  };
  /** Everything published to the queue before has been handled (see barrier.ts). */
  const untilHandled = () =>
    barrier.afterQueue({
      vhost,
      queue: { name: QUEUE, inFlight: inFlightAt([svc], QUEUE) },
      sentinel: () => {
        const s = failed('8.8.8.8');
        return {
          send: () => publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, s),
          seen: () => resolvedFor(s.id).length > 0,
        };
      },
    });

  beforeAll(async () => {
    vhost = await createTestVhost('ip_checker_failed');
    dir = tempDir('failed');
    writeMmdb(dir.file('city.mmdb'), maxmindCityDb());
    writeMmdb(dir.file('asn.mmdb'), maxmindAsnDb());
    svc = await start(
      testEnv({
        AMQP_URL: vhost.url,
        GEOIP_DB_PATH: dir.file('city.mmdb'),
        GEOIP_ASN_DB_PATH: dir.file('asn.mmdb'),
      }),
    );
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()));
    out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_FAILED_GEO_RESOLVED },
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_GEO_RESOLVED },
    ]);
  });
  afterAll(async () => {
    await out?.close();
    await svc?.stop();
    await vhost?.delete();
    dir?.remove();
  });

  test('when a login.failed is published, then exactly one login.failed.geo-resolved follows: its data untouched, the geo with asn, network and location, a derived id and the login.failed id as correlation id', async () => {
    const e = failed('1.2.3.4', {
      reason: 'second_factor_failed',
      client: { platform: 'android', version: '2.0.1', deviceId: 'dev-9' },
      attemptNo: 3,
    });
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, e);
    const m = await waitResolved(e.id);

    expect(m.body).toMatchObject({
      specversion: '1.0',
      type: LOGIN_FAILED_GEO_RESOLVED,
      source: 'ip-checker',
      id: followUpId(e.id, LOGIN_FAILED_GEO_RESOLVED),
      subject: e.subject,
      time: e.time,
      correlationid: e.id,
    });
    expect(m.body.data).toEqual({
      ...e.data,
      geo: {
        country: 'KR',
        continent: 'AS',
        asn: 4766,
        asOrg: 'Korea Telecom',
        network: 'other',
        location: SEOUL,
        database: DATABASE,
      },
    });
    expect(m.properties).toMatchObject({
      correlationId: e.id,
      messageId: m.body.id,
      type: LOGIN_FAILED_GEO_RESOLVED,
      contentType: 'application/cloudevents+json',
    });
    expect(loginFailedGeoResolvedEvent.safeParse(m.body).success).toBe(true);
    // A failure is not a login: nothing goes out as login.geo-resolved for it.
    await untilHandled();
    expect(resolvedFor(e.id)).toHaveLength(1);
    expect(out.of(LOGIN_GEO_RESOLVED).filter((x) => x.body.correlationid === e.id)).toHaveLength(0);
  });

  test.each([
    // On the hosting list; the city data has no location for the range.
    ['8.8.8.8', { country: 'US', continent: 'NA', asn: 15169, asOrg: 'GOOGLE', network: 'hosting' }],
    [
      '133.5.6.7',
      {
        country: 'JP',
        continent: 'AS',
        network: 'other',
        location: { latitude: 35.6895, longitude: 139.6917 },
      },
    ],
    ['10.0.0.8', { country: null, reason: 'private' }],
    ['203.0.113.5', { country: null, reason: 'reserved' }],
    ['9.9.9.9', { country: null, reason: 'not_found', network: 'other' }],
  ])('when a login fails from %s, then its geo is %j', async (ip, geo) => {
    const e = failed(ip);
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, e);
    const m = await waitResolved(e.id);
    expect(m.body.data.geo).toEqual({ ...geo, database: DATABASE });
    expect(loginFailedGeoResolvedEvent.safeParse(m.body).success).toBe(true);
  });

  test('when a login succeeds from a place the city data locates, then its login.geo-resolved has the same location', async () => {
    const e = succeeded('::ffff:1.2.3.4');
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
    await waitUntil(() => out.of(LOGIN_GEO_RESOLVED).some((m) => m.body.correlationid === e.id));
    const m = out.of(LOGIN_GEO_RESOLVED).find((x) => x.body.correlationid === e.id)!;
    expect(m.body.data.geo).toEqual({
      country: 'KR',
      continent: 'AS',
      asn: 4766,
      asOrg: 'Korea Telecom',
      network: 'other',
      location: SEOUL,
      database: DATABASE,
    });
    expect(loginGeoResolvedEvent.safeParse(m.body).success).toBe(true);
  });

  test('when a login.failed carries a correlation id of its own, then the follow-up is still correlated to the login.failed id', async () => {
    const e = { ...failed('1.2.3.4'), correlationid: 'login-server-trace-77' };
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, e);
    const m = await waitResolved(e.id);
    expect(m.body.id).toBe(followUpId(e.id, LOGIN_FAILED_GEO_RESOLVED));
    expect(m.properties.correlationId).toBe(e.id);
  });

  test('when the same login.failed is delivered twice, then both follow-ups carry the same id for downstream deduplication', async () => {
    const e = failed('1.2.3.4');
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, e);
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, e);
    await waitUntil(() => resolvedFor(e.id).length === 2, 20000, 'both follow-ups');
    expect(new Set(resolvedFor(e.id).map((m) => m.body.id))).toEqual(
      new Set([followUpId(e.id, LOGIN_FAILED_GEO_RESOLVED)]),
    );
    expect(resolvedFor(e.id)[0]!.body).toEqual(resolvedFor(e.id)[1]!.body);
  });

  test('when malformed login.failed events arrive, then each goes to the dead-letter queue with its reason and the next one is still resolved', async () => {
    const badReason = { ...failed('1.2.3.4'), id: 'failed-bad-reason' } as any;
    badReason.data = { ...badReason.data, reason: 'typo' };
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, badReason);
    const badIp = { ...failed('1.2.3.4'), id: 'failed-bad-ip' } as any;
    badIp.data = { ...badIp.data, ip: 'not-an-ip' };
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, badIp);
    const wrongType = { ...failed('1.2.3.4'), id: 'failed-wrong-type', type: LOGIN_SUCCEEDED };
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, wrongType);
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, '{"broken json', {
      messageId: 'failed-not-json',
    });
    const good = failed('133.0.0.1');
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_FAILED, good);

    expect((await waitResolved(good.id)).body.data.geo.country).toBe('JP');
    const ids = ['failed-bad-reason', 'failed-bad-ip', 'failed-wrong-type', 'failed-not-json'];
    let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await waitUntil(
      async () => {
        dead = await listDeadLetters(vhost.url, QUEUE);
        return ids.every((id) => dead.some((d) => d.messageId === id));
      },
      20000,
      'the four dead letters',
    );
    const byId = Object.fromEntries(dead.map((d) => [d.messageId, d]));
    expect(byId['failed-bad-reason']).toMatchObject({
      reason: 'invalid_data',
      error: expect.stringMatching(/data\.reason/),
    });
    expect(byId['failed-bad-ip']).toMatchObject({
      reason: 'invalid_data',
      error: expect.stringMatching(/data\.ip/),
    });
    expect(byId['failed-wrong-type']).toMatchObject({ reason: 'unknown_type' });
    expect(byId['failed-not-json']).toMatchObject({ reason: 'invalid_json' });
    expect(out.of(LOGIN_FAILED_GEO_RESOLVED).some((m) => ids.includes(m.body.correlationid))).toBe(false);
    // The success queue knows nothing of them.
    expect(await listDeadLetters(vhost.url, 'ip-checker.login.succeeded')).toEqual([]);
  });

  test('when a login.failed arrives through the HTTP ingress, then it too ends as login.failed.geo-resolved', async () => {
    const e = failed('1.2.3.4', { reason: 'unknown_account' });
    const res = await fetch(`http://127.0.0.1:${svc.port}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${signToken({ sub: 'login-server-kr-1', roles: ['service'] })}`,
        'content-type': 'application/cloudevents+json',
      },
      body: JSON.stringify(e),
    });
    expect(res.status).toBe(202);
    const m = await waitResolved(e.id);
    expect(m.body).toMatchObject({ id: followUpId(e.id, LOGIN_FAILED_GEO_RESOLVED), correlationid: e.id });
    expect(m.body.data).toEqual({
      ...e.data,
      geo: expect.objectContaining({ country: 'KR', asn: 4766, network: 'other', location: SEOUL }),
    });
  });

  test('when /readyz is asked, then the service is ready with both of its queues consumed', async () => {
    const res = await fetch(`http://127.0.0.1:${svc.port}/readyz`);
    expect(res.status).toBe(200);
    expect(svc.consumers.map((c) => c.queue).sort()).toEqual([QUEUE, 'ip-checker.login.succeeded']);
  });
});

import {
  EVENTS_EXCHANGE,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  RunningService,
  createEvent,
  followUpId,
  listDeadLetters,
  loginGeoResolvedEvent,
} from '@account-security/shared';
import {
  MessageCollector,
  TestVhost,
  barrier,
  createTestVhost,
  inFlightAt,
  publishRaw,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import { start } from '../../src/main';
import { TempDir, maxmindAsnDb, maxmindCountryDb, tempDir } from '../support/fixtures';
import { writeMmdb } from '../support/mmdb-writer';

const QUEUE = 'ip-checker.login.succeeded';
const DATABASE = 'GeoLite2-Country 2026-05-26, GeoLite2-ASN 2026-05-27';

let seq = 0;
const login = (ip: string, extra: Record<string, unknown> = {}) => {
  const n = ++seq;
  return createEvent({
    type: LOGIN_SUCCEEDED,
    source: 'game-login/kr-1',
    subject: `acc-${n}`,
    data: {
      accountId: `acc-${n}`,
      sessionId: `s-${n}`,
      ip,
      client: { platform: 'pc', version: '1.4.2' },
      ...extra,
    },
  });
};

describe('ip-checker', () => {
  let vhost: TestVhost;
  let dir: TempDir;
  let svc: RunningService;
  let out: MessageCollector;
  const url = (path: string) => `http://127.0.0.1:${svc.port}${path}`;
  const resolvedFor = (loginId: string) =>
    out.of(LOGIN_GEO_RESOLVED).filter((m) => m.body.correlationid === loginId);
  const waitResolved = async (loginId: string) => {
    await waitUntil(() => resolvedFor(loginId).length > 0, 20000, `login.geo-resolved for ${loginId}`);
    return resolvedFor(loginId)[0]!;
  };

  beforeAll(async () => {
    vhost = await createTestVhost('ip_checker');
    dir = tempDir('service');
    writeMmdb(dir.file('country.mmdb'), maxmindCountryDb());
    writeMmdb(dir.file('asn.mmdb'), maxmindAsnDb());
    svc = await start(
      testEnv({
        AMQP_URL: vhost.url,
        GEOIP_DB_PATH: dir.file('country.mmdb'),
        GEOIP_ASN_DB_PATH: dir.file('asn.mmdb'),
      }),
    );
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()));
    out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_GEO_RESOLVED },
    ]);
  });
  afterAll(async () => {
    await out?.close();
    await svc?.stop();
    await vhost?.delete();
    dir?.remove();
  });

  describe('consuming login.succeeded', () => {
    test('when a login is published, then exactly one login.geo-resolved follows with the same correlation id, all the original data and the geo', async () => {
      const e = login('1.2.3.4', {
        homeCountry: 'KR',
        client: { platform: 'android', version: '2.0.1', deviceId: 'dev-9', store: 'play' },
        campaign: { id: 'spring-2026', unknown: [1, 2, 3] },
      });
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      const m = await waitResolved(e.id);

      expect(m.body).toMatchObject({
        specversion: '1.0',
        type: LOGIN_GEO_RESOLVED,
        source: 'ip-checker',
        id: followUpId(e.id, LOGIN_GEO_RESOLVED),
        subject: e.subject,
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
          database: DATABASE,
        },
      });
      expect(m.properties.correlationId).toBe(e.id);
      expect(m.properties.messageId).toBe(m.body.id);
      expect(m.properties.contentType).toBe('application/cloudevents+json');
      expect(loginGeoResolvedEvent.safeParse(m.body).success).toBe(true);

      // Anything extra would be in by the time later logins' answers are (see barrier.ts).
      await barrier.afterQueue({
        vhost,
        queue: { name: QUEUE, inFlight: inFlightAt([svc], QUEUE) },
        sentinel: () => {
          const s = login('8.8.8.8');
          return {
            send: () => publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, s),
            seen: () => resolvedFor(s.id).length > 0,
          };
        },
      });
      expect(resolvedFor(e.id)).toHaveLength(1);
    });

    test.each([
      // Google's AS is on the shipped hosting list; the others are not, or have no AS in the data.
      ['8.8.8.8', { country: 'US', continent: 'NA', asn: 15169, asOrg: 'GOOGLE', network: 'hosting' }],
      ['133.5.6.7', { country: 'JP', continent: 'AS', network: 'other' }],
      ['2001:e60:1::5', { country: 'KR', continent: 'AS', network: 'other' }],
      ['2400:4000::1', { country: 'JP', continent: 'AS', network: 'other' }],
      [
        '::ffff:1.2.3.4',
        { country: 'KR', continent: 'AS', asn: 4766, asOrg: 'Korea Telecom', network: 'other' },
      ],
      ['10.0.0.8', { country: null, reason: 'private' }],
      ['100.64.3.4', { country: null, reason: 'private' }],
      ['fe80::abcd', { country: null, reason: 'private' }],
      ['203.0.113.5', { country: null, reason: 'reserved' }],
      ['ff02::1', { country: null, reason: 'reserved' }],
      ['9.9.9.9', { country: null, reason: 'not_found', network: 'other' }],
    ])('when a login comes from %s, then its geo is %j', async (ip, geo) => {
      const e = login(ip);
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      const m = await waitResolved(e.id);
      expect(m.body.data.ip).toBe(ip);
      expect(m.body.data.geo).toEqual({ ...geo, database: DATABASE });
      expect(loginGeoResolvedEvent.safeParse(m.body).success).toBe(true);
    });

    test('when the same login is delivered twice, then both follow-ups carry the same id for downstream deduplication', async () => {
      const e = login('8.8.8.8');
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
      await waitUntil(() => resolvedFor(e.id).length === 2);
      expect(new Set(resolvedFor(e.id).map((m) => m.body.id))).toEqual(
        new Set([followUpId(e.id, LOGIN_GEO_RESOLVED)]),
      );
    });

    test('when malformed events arrive, then each goes to the dead-letter queue with its reason and the next login is still resolved', async () => {
      const badIp = { ...login('1.2.3.4'), id: 'bad-ip' } as any;
      badIp.data = { ...badIp.data, ip: 'not-an-ip' };
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, badIp);
      const noAccount = { ...login('1.2.3.4'), id: 'no-account' } as any;
      delete noAccount.data.accountId;
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, noAccount);
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, '{"broken json', {
        messageId: 'not-json',
      });
      const good = login('133.0.0.1');
      await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, good);

      expect((await waitResolved(good.id)).body.data.geo.country).toBe('JP');
      let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
      await waitUntil(async () => (dead = await listDeadLetters(vhost.url, QUEUE)).length >= 3);
      const byId = Object.fromEntries(dead.map((d) => [d.messageId, d]));
      expect(byId['bad-ip']).toMatchObject({
        reason: 'invalid_data',
        error: expect.stringMatching(/data\.ip/),
      });
      expect(byId['no-account']).toMatchObject({
        reason: 'invalid_data',
        error: expect.stringMatching(/data\.accountId/),
      });
      expect(byId['not-json']).toMatchObject({ reason: 'invalid_json' });
      expect(
        out.of(LOGIN_GEO_RESOLVED).some((m) => ['bad-ip', 'no-account'].includes(m.body.correlationid)),
      ).toBe(false);

      const metrics = await fetch(`http://127.0.0.1:${svc.adminPort}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(
        /messages_dead_lettered_total\{[^}]*queue="ip-checker\.login\.succeeded"[^}]*reason="invalid_data"[^}]*\} 2/,
      );
      expect(metrics).toMatch(
        /messages_consumed_total\{[^}]*queue="ip-checker\.login\.succeeded"[^}]*outcome="handled"[^}]*\} \d+/,
      );
      expect((await fetch(url('/readyz'))).status).toBe(200);
    });
  });

  describe('GET /v1/ip/{ip}', () => {
    test.each([
      ['1.2.3.4', { country: 'KR', continent: 'AS', asn: 4766, asOrg: 'Korea Telecom', network: 'other' }],
      ['8.8.8.8', { country: 'US', continent: 'NA', asn: 15169, asOrg: 'GOOGLE', network: 'hosting' }],
      ['2001:e60::1', { country: 'KR', continent: 'AS', network: 'other' }],
      ['::ffff:133.0.0.1', { country: 'JP', continent: 'AS', network: 'other' }],
      ['192.168.0.10', { country: null, reason: 'private' }],
      ['::1', { country: null, reason: 'private' }],
      ['198.51.100.1', { country: null, reason: 'reserved' }],
      ['9.9.9.9', { country: null, reason: 'not_found', network: 'other' }],
    ])('when %s is asked for, then the geo object %j is returned', async (ip, geo) => {
      const res = await fetch(url(`/v1/ip/${ip}`));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toEqual({ ...geo, database: DATABASE });
    });

    test.each(['not-an-ip', '1.2.3.256', 'fe80::1%25eth0', '1.2.3.4.5', '%20'])(
      'when %s is asked for, then the answer is 400 naming params.ip',
      async (ip) => {
        const res = await fetch(url(`/v1/ip/${ip}`));
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({
          error: { code: 'INVALID_INPUT', message: 'params.ip: must be an IPv4 or IPv6 address' },
        });
      },
    );
  });

  test('when /readyz is asked, then it is ready and names the databases in use', async () => {
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      status: 'ready',
      checks: { broker: 'ok' },
      geoip: {
        database: DATABASE,
        country: {
          path: dir.file('country.mmdb'),
          type: 'GeoLite2-Country',
          buildDate: '2026-05-26',
          ipVersion: 6,
        },
        asn: { path: dir.file('asn.mmdb'), type: 'GeoLite2-ASN', buildDate: '2026-05-27' },
      },
    });
  });
});

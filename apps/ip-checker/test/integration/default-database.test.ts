import {
  EVENTS_EXCHANGE,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  RunningService,
  createEvent,
  loginGeoResolvedEvent,
} from '@account-security/shared';
import {
  MessageCollector,
  TestVhost,
  createTestVhost,
  publishRaw,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import { start } from '../../src/main';

/**
 * Smoke test of the service as shipped: no GEOIP_DB_PATH or GEOIP_ASN_DB_PATH, so DB-IP Country
 * Lite and the ip-location-db ASN ranges from npm, and the shipped hosting list.
 */
describe('ip-checker with the shipped default database', () => {
  let vhost: TestVhost;
  let svc: RunningService;
  let out: MessageCollector;
  const url = (path: string) => `http://127.0.0.1:${svc.port}${path}`;

  beforeAll(async () => {
    vhost = await createTestVhost('ip_checker_default_db');
    svc = await start(testEnv({ AMQP_URL: vhost.url }));
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()));
    out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_GEO_RESOLVED },
    ]);
  });
  afterAll(async () => {
    await out?.close();
    await svc?.stop();
    await vhost?.delete();
  });

  // Countries these networks have had for years: Google Public DNS, Cloudflare's APNIC-registered
  // 1.1.1.1 (placed in AU by DB-IP, in the US by others), KT (Korea Telecom) DNS and IPv6, and
  // the University of Tokyo.
  test.each([
    ['8.8.8.8', ['US']],
    ['1.1.1.1', ['AU', 'US']],
    ['168.126.63.1', ['KR']],
    ['2001:e60::1', ['KR']],
    ['133.11.0.1', ['JP']],
  ])('when %s is asked for, then the country is one of %j', async (ip, countries) => {
    const res = await fetch(url(`/v1/ip/${ip}`));
    expect(res.status).toBe(200);
    const geo = (await res.json()) as { country: string; database: string };
    expect(countries).toContain(geo.country);
    expect(geo.database).toMatch(
      /^DBIP-Country-Lite \d{4}-\d{2}-\d{2}, ip-location-db-ASN \d{4}-\d{2}-\d{2}$/,
    );
  });

  const publishLogin = async (n: string, ip: string) => {
    const e = createEvent({
      type: LOGIN_SUCCEEDED,
      source: 'game-login/kr-1',
      subject: `acc-${n}`,
      data: { accountId: `acc-${n}`, sessionId: `s-${n}`, ip, client: { platform: 'pc', version: '1.0' } },
    });
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
    await waitUntil(() => out.of(LOGIN_GEO_RESOLVED).some((m) => m.body.correlationid === e.id), 20000);
    const m = out.of(LOGIN_GEO_RESOLVED).find((x) => x.body.correlationid === e.id)!;
    expect(loginGeoResolvedEvent.safeParse(m.body).success).toBe(true);
    return m.body.data.geo as Record<string, unknown>;
  };

  test('when a login comes from an AWS Seoul address, then it is republished with AS 16509 and network hosting', async () => {
    expect(await publishLogin('aws', '13.124.63.251')).toEqual({
      country: 'KR',
      asn: 16509,
      asOrg: 'Amazon.com, Inc.',
      network: 'hosting',
      database: expect.stringMatching(/^DBIP-Country-Lite .*, ip-location-db-ASN /),
    });
  });

  test('when a login comes from a Korean ISP (LG U+) address, then it has that AS and network other', async () => {
    expect(await publishLogin('lgu', '211.234.10.5')).toEqual({
      country: 'KR',
      asn: 3786,
      asOrg: 'LG DACOM Corporation',
      network: 'other',
      database: expect.stringMatching(/^DBIP-Country-Lite .*, ip-location-db-ASN /),
    });
  });

  test('when a login comes from a private address, then geo has no AS fields and no network', async () => {
    expect(await publishLogin('lan', '192.168.10.7')).toEqual({
      country: null,
      reason: 'private',
      database: expect.stringMatching(/^DBIP-Country-Lite .*, ip-location-db-ASN /),
    });
  });

  test('when a login from an LG U+ address is published, then it is resolved to KR with its AS', async () => {
    const e = createEvent({
      type: LOGIN_SUCCEEDED,
      source: 'game-login/kr-1',
      subject: 'acc-kt',
      data: {
        accountId: 'acc-kt',
        sessionId: 's-kt',
        ip: '211.234.10.20',
        client: { platform: 'pc', version: '1.0' },
      },
    });
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
    await waitUntil(() => out.of(LOGIN_GEO_RESOLVED).some((m) => m.body.correlationid === e.id), 20000);
    const m = out.of(LOGIN_GEO_RESOLVED).find((x) => x.body.correlationid === e.id);
    expect(m!.body.data.geo).toEqual({
      country: 'KR',
      asn: 3786,
      asOrg: 'LG DACOM Corporation',
      network: 'other',
      database: expect.stringMatching(/^DBIP-Country-Lite /),
    });
  });

  test('when /readyz is asked, then it names the DB-IP data and credits DB-IP as its licence requires', async () => {
    const body = (await (await fetch(url('/readyz'))).json()) as { geoip: unknown };
    expect(body.geoip).toMatchObject({
      database: expect.stringMatching(
        /^DBIP-Country-Lite \d{4}-\d{2}-\d{2}, ip-location-db-ASN \d{4}-\d{2}-\d{2}$/,
      ),
      attribution: expect.stringContaining('https://db-ip.com'),
      country: { path: expect.stringMatching(/dbip-country\.mmdb$/), ipVersion: 6 },
      asn: { path: expect.stringMatching(/asn-ipv4-num\.csv$/), type: 'ip-location-db-ASN' },
      hosting: { path: expect.stringMatching(/hosting-asns\.json$/), asns: expect.any(Number) },
    });
    const attribution = (body.geoip as { attribution: string }).attribution;
    expect(attribution).toContain('https://www.routeviews.org');
    expect(attribution).toContain('https://www.nro.net');
  });
});

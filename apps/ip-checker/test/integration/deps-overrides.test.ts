import {
  EVENTS_EXCHANGE,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  RunningService,
  createEvent,
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
import type { GeoIp } from '../../src/data-access/geoip';

/** GeoIP data that places every public address in Iceland, and says when it was closed. */
function icelandGeoIp(): GeoIp & { closed: boolean } {
  const database = 'test-double 2026-01-01';
  const double = {
    closed: false,
    lookup: () => ({ country: { country_code: 'IS' }, asn: null, database }),
    database: () => database,
    isHosting: () => false,
    status: () => ({
      database,
      country: {
        path: '/dev/null',
        name: database,
        type: 'test-double',
        buildDate: '2026-01-01',
        ipVersion: 6 as const,
        loadedAt: new Date(0).toISOString(),
      },
      hosting: { path: '(none)', asns: 0 },
    }),
    close: () => {
      double.closed = true;
    },
  };
  return double;
}

describe('ip-checker started with a GeoIP double', () => {
  let vhost: TestVhost;
  let svc: RunningService | undefined;
  let out: MessageCollector;
  const geoip = icelandGeoIp();

  beforeAll(async () => {
    vhost = await createTestVhost('ip_checker_deps');
    // GEOIP_DB_PATH names no file: the double is used instead of opening it.
    svc = await start(testEnv({ AMQP_URL: vhost.url, GEOIP_DB_PATH: '/nonexistent/unused.mmdb' }), { geoip });
    await waitUntil(() => svc!.consumers.every((c) => c.isConnected()));
    out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_GEO_RESOLVED },
    ]);
  });
  afterAll(async () => {
    await out?.close();
    await svc?.stop();
    await vhost?.delete();
  });

  test('when the double is passed to start, then GET /v1/ip and the consumer answer from it, and stop closes it', async () => {
    const res = await fetch(`http://127.0.0.1:${svc!.port}/v1/ip/1.2.3.4`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ country: 'IS', network: 'other', database: 'test-double 2026-01-01' });

    const e = createEvent({
      type: LOGIN_SUCCEEDED,
      source: 'game-login/kr-1',
      subject: 'acc-double',
      data: {
        accountId: 'acc-double',
        sessionId: 's-double',
        ip: '1.2.3.4',
        client: { platform: 'pc', version: '1.0.0' },
      },
    });
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, e);
    await waitUntil(() => out.of(LOGIN_GEO_RESOLVED).some((m) => m.body.correlationid === e.id), 20000);
    const m = out.of(LOGIN_GEO_RESOLVED).find((x) => x.body.correlationid === e.id)!;
    expect(m.body.data.geo).toEqual({ country: 'IS', network: 'other', database: 'test-double 2026-01-01' });

    await svc!.stop();
    svc = undefined;
    expect(geoip.closed).toBe(true);
  });
});

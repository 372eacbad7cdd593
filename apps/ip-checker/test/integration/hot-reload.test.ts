import {
  Broker,
  EVENTS_EXCHANGE,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  RunningService,
  connectBroker,
  createEvent,
  createLogger,
  listDeadLetters,
} from '@account-security/shared';
import {
  MessageCollector,
  TestVhost,
  barrier,
  createTestVhost,
  inFlightAt,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import { renameSync, writeFileSync } from 'node:fs';
import { start } from '../../src/main';
import { TempDir, maxmindAsnDb, singleCountryDb, tempDir } from '../support/fixtures';
import { replaceMmdb, writeMmdb } from '../support/mmdb-writer';

const OLD = 'Test-Country 2026-05-25, GeoLite2-ASN 2026-05-27';
const NEW = 'Test-Country 2026-06-01, GeoLite2-ASN 2026-05-27';
/** 1.2.3.0/24 in the ASN file, which stays as it is while the country file is replaced. */
const AS = { asn: 4766, asOrg: 'Korea Telecom', network: 'other' };
const TOTAL = 200;
const QUEUE = 'ip-checker.login.succeeded';

describe('ip-checker while its GeoIP database is replaced', () => {
  let vhost: TestVhost;
  let dir: TempDir;
  let svc: RunningService;
  let out: MessageCollector;
  let loginServer: Broker;

  beforeAll(async () => {
    vhost = await createTestVhost('ip_checker_reload');
    dir = tempDir('reload');
    writeMmdb(dir.file('country.mmdb'), singleCountryDb('KR', '2026-05-25'));
    writeMmdb(dir.file('asn.mmdb'), maxmindAsnDb());
    svc = await start(
      testEnv({
        AMQP_URL: vhost.url,
        GEOIP_DB_PATH: dir.file('country.mmdb'),
        GEOIP_ASN_DB_PATH: dir.file('asn.mmdb'),
        GEOIP_WATCH_INTERVAL_MS: '25',
      }),
    );
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()));
    out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_GEO_RESOLVED },
    ]);
    // One connection with confirms for all 200 logins, as a game login server would publish them.
    loginServer = connectBroker({
      url: vhost.url,
      name: 'test-login-server',
      logger: createLogger('test-login-server', 'silent'),
      queues: [],
      topology: { queueType: 'quorum', retryDelaysMs: [], deliveryLimit: 20 },
      publishTimeoutMs: 10000,
    });
    await loginServer.waitForReady();
  });
  afterAll(async () => {
    await loginServer?.close();
    await out?.close();
    await svc?.stop();
    await vhost?.delete();
    dir?.remove();
  });

  const databaseOnReadyz = async () =>
    ((await (await fetch(`http://127.0.0.1:${svc.port}/readyz`)).json()) as { geoip: { database: string } })
      .geoip.database;

  test('when a new file is renamed over the database while 200 logins flow, then all 200 are resolved, none fails, and the later ones use the new data', async () => {
    const logins = Array.from({ length: TOTAL }, (_, i) =>
      createEvent({
        type: LOGIN_SUCCEEDED,
        source: 'game-login/kr-1',
        subject: `acc-${i}`,
        data: {
          accountId: `acc-${i}`,
          sessionId: `s-${i}`,
          ip: '1.2.3.4',
          client: { platform: 'pc', version: '1.0' },
        },
      }),
    );
    const publish = (from: number, to: number) =>
      Promise.all(logins.slice(from, to).map((e) => loginServer.publish(e)));

    await publish(0, 50);
    await waitUntil(() => out.of(LOGIN_GEO_RESOLVED).length > 0, 20000, 'the first resolved logins');

    // In 1.2.3.0/24, KR becomes JP. Logins keep arriving while the service notices and reloads.
    replaceMmdb(dir.file('country.mmdb'), singleCountryDb('JP', '2026-06-01'));
    for (let i = 50; i < 180; i += 10) {
      await publish(i, i + 10);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitUntil(
      async () => (await databaseOnReadyz()) === NEW,
      10000,
      '/readyz to show the new database',
    );
    await publish(180, TOTAL);

    const resolved = await out.waitFor(LOGIN_GEO_RESOLVED, TOTAL, 30000);
    // Logins of other accounts through the same connection and queue, behind the 200.
    const sentinels = new Set<string>();
    await barrier.afterQueue({
      vhost,
      queue: { name: QUEUE, inFlight: inFlightAt([svc], QUEUE) },
      sentinel: () => {
        const s = createEvent({
          type: LOGIN_SUCCEEDED,
          source: 'game-login/kr-1',
          subject: `sentinel-${sentinels.size}`,
          data: {
            accountId: `sentinel-${sentinels.size}`,
            sessionId: `sentinel-${sentinels.size}`,
            ip: '1.2.3.4',
            client: { platform: 'pc', version: '1.0' },
          },
        });
        sentinels.add(s.id);
        return {
          send: () => loginServer.publish(s),
          seen: () => out.of(LOGIN_GEO_RESOLVED).some((m) => m.body.correlationid === s.id),
        };
      },
    });
    expect(out.of(LOGIN_GEO_RESOLVED).filter((m) => !sentinels.has(m.body.correlationid))).toHaveLength(
      TOTAL,
    );

    const byLogin = new Map(resolved.map((m) => [m.body.correlationid as string, m.body.data.geo]));
    expect(byLogin.size).toBe(TOTAL);
    // Every answer comes whole from one database: its country and its name agree.
    for (const geo of byLogin.values()) {
      expect([
        { country: 'KR', ...AS, database: OLD },
        { country: 'JP', ...AS, database: NEW },
      ]).toContainEqual(geo);
    }
    const countries = logins.map((e) => byLogin.get(e.id)!.country);
    expect(countries.slice(0, 50)).toContain('KR');
    expect(countries.slice(180)).toEqual(new Array(TOTAL - 180).fill('JP'));

    expect(await listDeadLetters(vhost.url, 'ip-checker.login.succeeded')).toEqual([]);
    const metrics = await fetch(`http://127.0.0.1:${svc.adminPort}/metrics`).then((r) => r.text());
    expect(metrics).not.toMatch(/messages_retried_total\{[^}]*\} [1-9]/);
    expect(metrics).not.toMatch(/messages_dead_lettered_total\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(
      new RegExp(`messages_consumed_total\\{[^}]*outcome="handled"[^}]*\\} ${TOTAL + sentinels.size}\\b`),
    );
  });
});

describe('ip-checker while its ASN CSV and hosting data are replaced', () => {
  let vhost: TestVhost;
  let dir: TempDir;
  let svc: RunningService;
  const geoOf = async (ip: string) =>
    (await (await fetch(`http://127.0.0.1:${svc.port}/v1/ip/${ip}`)).json()) as Record<string, unknown>;

  beforeAll(async () => {
    vhost = await createTestVhost('ip_checker_asn_reload');
    dir = tempDir('asn-reload');
    writeMmdb(dir.file('country.mmdb'), singleCountryDb('KR', '2026-05-25'));
    writeFileSync(dir.file('asn.csv'), '1.2.3.0,1.2.3.255,4766,Korea Telecom\n');
    writeFileSync(
      dir.file('hosting.json'),
      JSON.stringify({
        entries: [{ asn: 16509, name: 'AWS', kind: 'cloud', source: 'https://bgp.he.net/AS16509' }],
      }),
    );
    svc = await start(
      testEnv({
        AMQP_URL: vhost.url,
        GEOIP_DB_PATH: dir.file('country.mmdb'),
        GEOIP_ASN_DB_PATH: dir.file('asn.csv'),
        GEOIP_ASN_CACHE_DIR: dir.file('cache'),
        HOSTING_ASNS_PATH: dir.file('hosting.json'),
        GEOIP_WATCH_INTERVAL_MS: '25',
      }),
    );
  });
  afterAll(async () => {
    await svc?.stop();
    await vhost?.delete();
    dir?.remove();
  });

  test('when a new ASN CSV is renamed over the old one, then the service answers from it, with the deployment hosting list', async () => {
    expect(await geoOf('1.2.3.4')).toMatchObject({ country: 'KR', asn: 4766, network: 'other' });
    writeFileSync(dir.file('asn.csv.tmp'), '1.2.3.0,1.2.3.255,16509,"Amazon.com, Inc."\n');
    renameSync(dir.file('asn.csv.tmp'), dir.file('asn.csv'));
    await waitUntil(async () => (await geoOf('1.2.3.4')).asn === 16509, 10000, 'the new ASN data');
    expect(await geoOf('1.2.3.4')).toMatchObject({
      country: 'KR',
      asn: 16509,
      asOrg: 'Amazon.com, Inc.',
      network: 'hosting',
    });
    const readyz = (await (await fetch(`http://127.0.0.1:${svc.port}/readyz`)).json()) as {
      geoip: { asn: { path: string; type: string }; hosting: { asns: number } };
    };
    expect(readyz.geoip.asn).toMatchObject({ path: dir.file('asn.csv'), type: 'asn' });
    expect(readyz.geoip.hosting).toMatchObject({ asns: 1 });
  });
});

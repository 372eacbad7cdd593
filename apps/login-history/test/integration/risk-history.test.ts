import { randomUUID } from 'node:crypto';
import { createTestDatabase, waitUntil } from '@account-security/shared/testing';
import { sql } from 'kysely';
import countries from 'world-countries';
import type { DB } from '../../src/data-access/tables';
import { haversineKm } from '../../src/domain/features';
import { listHistory } from '../../src/application/list-history/list-history.service';
import { recordLogins } from '../../src/application/record-logins/record.step';
import { toLoginEntry } from '../../src/application/record-logins/prepare.step';
import {
  FailedGeoResolvedEvent,
  GeoResolvedEvent,
  Harness,
  failedGeoResolved,
  geoResolved,
  startHarness,
} from '../support/harness';

/** SPEC §7 history: features, travel, failure counts in login.recorded; failures in the history. */
describe('risk history of recorded logins', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('lh_risk');
  });
  afterAll(async () => {
    await h?.close();
  });

  const T0 = Date.UTC(2026, 10, 25, 12, 0);
  const t = (minute: number) => new Date(T0 + minute * 60_000);

  const historyOf = async (e: GeoResolvedEvent) => {
    await waitUntil(() => h.recordedFor([e.correlationid!]).length >= 1);
    return h.recordedFor([e.correlationid!])[0]!.body.data.history;
  };
  const recordOneByOne = async (...events: GeoResolvedEvent[]) => {
    const out = [];
    for (const e of events) {
      await h.publish(e);
      out.push(await historyOf(e));
    }
    return out;
  };
  const recordFailures = async (...events: FailedGeoResolvedEvent[]) => {
    await h.publish(...events);
    const ids = events.map((e) => e.correlationid!);
    await waitUntil(async () => {
      const { n } = (
        await sql<{
          n: number;
        }>`select count(*)::int as n from recorded_logins where login_id = any(${ids}::text[])`.execute(
          h.database.db,
        )
      ).rows[0]!;
      return n === new Set(ids).size;
    });
  };

  test('when an account logs in three times, then each login counts its device, ASN, country and prefix on the account and for everyone before it', async () => {
    const other = geoResolved({
      accountId: 'acc-feat-other',
      country: 'IS',
      time: t(0),
      ip: '198.18.1.9',
      deviceId: 'dev-A',
      asn: 64500,
    });
    const f1 = geoResolved({
      accountId: 'acc-feat',
      country: 'IS',
      time: t(1),
      ip: '198.18.1.1',
      deviceId: 'dev-A',
      asn: 64500,
    });
    const f2 = geoResolved({
      accountId: 'acc-feat',
      country: 'IS',
      time: t(2),
      ip: '198.18.1.2',
      deviceId: 'dev-B',
      asn: 64501,
    });
    const f3 = geoResolved({
      accountId: 'acc-feat',
      country: 'IS',
      time: t(3),
      ip: '198.18.2.1',
      deviceId: 'dev-A',
      asn: 64500,
    });
    const [, h1, h2, h3] = await recordOneByOne(other, f1, f2, f3);

    expect([h1.logins, h2.logins, h3.logins]).toEqual([0, 1, 2]);
    expect(h2.globalLogins).toBe(h1.globalLogins + 1);
    expect(h3.globalLogins).toBe(h1.globalLogins + 2);
    expect(h1.features).toEqual({
      device: { account: 0, global: 1 },
      asn: { account: 0, global: 1 },
      country: { account: 0, global: 1 },
      prefix: { account: 0, global: 1, prefix: '198.18.1.0/24' },
    });
    expect(h2.features).toEqual({
      device: { account: 0, global: 0 },
      asn: { account: 0, global: 0 },
      country: { account: 1, global: 2 },
      prefix: { account: 1, global: 2, prefix: '198.18.1.0/24' },
    });
    expect(h3.features).toEqual({
      device: { account: 1, global: 2 },
      asn: { account: 1, global: 2 },
      country: { account: 2, global: 3 },
      prefix: { account: 0, global: 0, prefix: '198.18.2.0/24' },
    });

    // Device ids are kept only as their keyed hash.
    const { rows } = await sql<{ value: string }>`
      select value from account_features where kind = 'device' union all select value from global_features where kind = 'device'
    `.execute(h.database.db);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.value).not.toMatch(/dev-|device-secret/);
      expect(r.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  test('when the logins of one account arrive in one batch out of order, then the later ones count the earlier ones', async () => {
    const a = geoResolved({
      accountId: 'acc-feat-batch',
      country: 'FO',
      time: t(1),
      ip: '198.18.9.1',
      deviceId: 'dev-C',
    });
    const b = geoResolved({
      accountId: 'acc-feat-batch',
      country: 'FO',
      time: t(2),
      ip: '198.18.9.2',
      deviceId: 'dev-C',
    });
    await h.publish(b, a);
    const [ha, hb] = [await historyOf(a), await historyOf(b)];
    expect([ha.logins, hb.logins]).toEqual([0, 1]);
    expect(hb.features.device).toEqual({ account: 1, global: expect.any(Number) });
    expect(hb.features.prefix.account).toBe(1);
  });

  test("when an account logs in from KR and an hour later from JP, then travel is measured between the countries' centroids", async () => {
    const centroid = (cca2: string) => {
      const [latitude, longitude] = countries.find((c) => c.cca2 === cca2)!.latlng;
      return { latitude: latitude!, longitude: longitude! };
    };
    const kr = geoResolved({ accountId: 'acc-travel', country: 'KR', time: t(0), ip: '198.18.3.1' });
    const jp = geoResolved({ accountId: 'acc-travel', country: 'JP', time: t(60), ip: '198.18.3.2' });
    const [first, second] = await recordOneByOne(kr, jp);
    expect(first.travel).toBeUndefined();
    const km = haversineKm(centroid('KR'), centroid('JP'));
    expect(km).toBeGreaterThan(500);
    expect(second.travel).toEqual({
      fromCountry: 'KR',
      toCountry: 'JP',
      km: Math.round(km),
      minutes: 60,
      kmh: Math.round(km),
      source: 'country',
    });
  });

  test('when ip-checker sent city coordinates for both logins, then travel is measured between them', async () => {
    const seoul = { latitude: 37.5665, longitude: 126.978 };
    const busan = { latitude: 35.1796, longitude: 129.0756 };
    const a = geoResolved({
      accountId: 'acc-city',
      country: 'KR',
      time: t(0),
      ip: '198.18.4.1',
      location: seoul,
    });
    const b = geoResolved({
      accountId: 'acc-city',
      country: 'KR',
      time: t(30),
      ip: '198.18.4.2',
      location: busan,
    });
    const [, second] = await recordOneByOne(a, b);
    const km = haversineKm(seoul, busan);
    expect(km).toBeGreaterThan(300);
    expect(km).toBeLessThan(350);
    expect(second.travel).toEqual({
      fromCountry: 'KR',
      toCountry: 'KR',
      km: Math.round(km),
      minutes: 30,
      kmh: Math.round(km * 2),
      source: 'city',
    });
  });

  test('when failed logins arrive, then they are listed as failed with their reason, are no previous login, and the next success counts them per IP across accounts and per account within the window', async () => {
    const ipA = '198.18.5.5';
    await recordFailures(
      failedGeoResolved({ accountId: 'acc-stuffed-1', time: t(50), ip: ipA }),
      failedGeoResolved({ accountId: 'acc-stuffed-2', time: t(51), ip: ipA, reason: 'unknown_account' }),
      failedGeoResolved({ accountId: 'acc-stuffed-3', time: t(52), ip: ipA }),
      failedGeoResolved({ accountId: 'acc-victim', time: t(55), ip: '198.18.6.1' }),
      failedGeoResolved({
        accountId: 'acc-victim',
        time: t(56),
        ip: '198.18.6.1',
        reason: 'second_factor_failed',
      }),
      // Outside the 60-minute window before the success at t(60).
      failedGeoResolved({ accountId: 'acc-victim', time: t(-10), ip: '198.18.6.1' }),
    );
    const success = geoResolved({ accountId: 'acc-victim', country: 'KR', time: t(60), ip: ipA });
    const [history] = await recordOneByOne(success);
    expect(history.failures).toEqual({ windowMinutes: 60, ipAccounts: 3, account: 2 });
    expect(history.previous).toBeNull();
    expect(history.logins).toBe(0);

    // Two hours later, the same IP's failures are out of the window.
    const later = geoResolved({ accountId: 'acc-later', country: 'KR', time: t(180), ip: ipA });
    const [afterWindow] = await recordOneByOne(later);
    expect(afterWindow.failures).toEqual({ windowMinutes: 60, ipAccounts: 0, account: 0 });

    const page = await listHistory(h.database.db, 'acc-victim', { limit: 10 });
    expect(page.items.map((i) => [i.result, i.reason])).toEqual([
      ['succeeded', undefined],
      ['failed', 'second_factor_failed'],
      ['failed', 'bad_password'],
      ['failed', 'bad_password'],
    ]);
    expect(page.items[1]).toMatchObject({
      ip: '198.18.6.1',
      country: 'KR',
      client: { platform: 'pc', version: '1.4.2' },
    });
  });

  test('when a failed login is delivered twice, then it is recorded once', async () => {
    const f = failedGeoResolved({ accountId: 'acc-fail-twice', time: t(10), ip: '198.18.7.1' });
    await recordFailures(f);
    await recordFailures(f);
    const page = await listHistory(h.database.db, 'acc-fail-twice', { limit: 10 });
    expect(page.items).toHaveLength(1);
  });

  test('when a login is delivered again, then the republished history is exactly the same', async () => {
    const a = geoResolved({
      accountId: 'acc-again',
      country: 'KR',
      time: t(0),
      ip: '198.18.8.1',
      asn: 64510,
    });
    const b = geoResolved({
      accountId: 'acc-again',
      country: 'US',
      time: t(90),
      ip: '198.18.8.2',
      asn: 64511,
    });
    await recordOneByOne(a, b);
    // Everyone's counts move on meanwhile; the republished facts do not.
    await recordOneByOne(
      geoResolved({ accountId: 'acc-again-2', country: 'US', time: t(91), ip: '198.18.8.3', asn: 64511 }),
    );
    await h.publish(b);
    await waitUntil(() => h.recordedFor([b.correlationid!]).length >= 2);
    const [first, again] = h.recordedFor([b.correlationid!]);
    expect(first.body.data.history.travel).toBeDefined();
    expect(JSON.stringify(again.body.data.history)).toBe(JSON.stringify(first.body.data.history));
    expect(again.body.id).toBe(first.body.id);
  });

  test('when a batch of logins of several accounts is recorded, then it takes one lock, one read and one write', async () => {
    const database = await createTestDatabase<DB>('login-history');
    try {
      let queries = 0;
      const counted = database.db.withPlugin({
        transformQuery: (args) => {
          queries++;
          return args.node;
        },
        transformResult: async (args) => args.result,
      });
      const now = new Date(T0 + 3600_000);
      const entries = ['a', 'b', 'c', 'a', 'b'].map((acc, i) =>
        toLoginEntry(
          geoResolved({
            accountId: `acc-q-${acc}`,
            country: 'KR',
            time: t(i),
            ip: `198.18.10.${i}`,
            loginId: randomUUID(),
            asn: 64520,
          }),
          now,
          { deviceIdKey: 'k' },
        ),
      );
      await recordLogins(counted, entries);
      expect(queries).toBe(3);
      const { n } = (
        await sql<{ n: number }>`select count::int as n from global_features where kind = 'logins'`.execute(
          database.db,
        )
      ).rows[0]!;
      expect(n).toBe(5);
    } finally {
      await database.drop();
    }
  });
});

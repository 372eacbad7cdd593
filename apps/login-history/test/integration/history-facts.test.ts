import { waitUntil } from '@account-security/shared/testing';
import { GeoResolvedEvent, Harness, geoResolved, startHarness } from '../support/harness';

/** newCountry / previous in login.recorded, whatever order the logins arrive in. */
describe('history facts of recorded logins', () => {
  let h: Harness;

  beforeAll(async () => {
    // A long batch window, so that logins published together are recorded in one batch.
    h = await startHarness('lh_facts', { CONSUMER_BATCH_DELAY_MS: '300' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const t = (minute: number) => new Date(Date.UTC(2026, 10, 20, 9, minute));

  const historyOf = async (...events: GeoResolvedEvent[]) => {
    const ids = events.map((e) => e.correlationid!);
    await waitUntil(() => h.recordedFor(ids).length >= ids.length);
    const byId = new Map(h.recordedFor(ids).map((m) => [m.body.correlationid, m.body.data.history]));
    return events.map((e) => byId.get(e.correlationid!));
  };
  const recordOneByOne = async (...events: GeoResolvedEvent[]) => {
    for (const e of events) {
      await h.publish(e);
      await historyOf(e);
    }
    return historyOf(...events);
  };
  const previous = (e: GeoResolvedEvent) => ({
    country: e.data.geo.country,
    ip: e.data.ip,
    loggedInAt: e.time,
  });

  const krJpKr = (accountId: string) =>
    [
      geoResolved({ accountId, country: 'KR', time: t(0), ip: '198.51.100.1' }),
      geoResolved({ accountId, country: 'JP', time: t(10), ip: '198.51.100.2' }),
      geoResolved({ accountId, country: 'KR', time: t(20), ip: '198.51.100.3' }),
    ] as const;

  test('when an account logs in from KR, then JP, then KR again, then only the first KR and the JP login are new countries and each names the one before', async () => {
    const [kr1, jp, kr2] = krJpKr('acc-in-order');
    const facts = await recordOneByOne(kr1, jp, kr2);
    expect(facts).toEqual([
      expect.objectContaining({ recordId: expect.any(String), newCountry: true, previous: null }),
      expect.objectContaining({ recordId: expect.any(String), newCountry: true, previous: previous(kr1) }),
      expect.objectContaining({ recordId: expect.any(String), newCountry: false, previous: previous(jp) }),
    ]);
  });

  test('when the three logins arrive together in one batch in shuffled order, then their facts are the same as in time order', async () => {
    const [kr1, jp, kr2] = krJpKr('acc-one-batch');
    await h.publish(kr2, kr1, jp);
    const facts = await historyOf(kr1, jp, kr2);
    expect(facts.map((f) => [f.newCountry, f.previous])).toEqual([
      [true, null],
      [true, previous(kr1)],
      [false, previous(jp)],
    ]);
  });

  test('when the JP login arrives after the later KR login, then its previous is the login before it in time, and the next login sees all three', async () => {
    const [kr1, jp, kr2] = krJpKr('acc-late');
    const facts = await recordOneByOne(kr1, kr2, jp);
    expect(facts.map((f) => [f.newCountry, f.previous])).toEqual([
      [true, null],
      // Recorded before the JP login existed: JP is not (yet) before it.
      [false, previous(kr1)],
      [true, previous(kr1)],
    ]);
    const next = geoResolved({ accountId: 'acc-late', country: 'JP', time: t(30) });
    const [after] = await recordOneByOne(next);
    expect([after.newCountry, after.previous]).toEqual([false, previous(kr2)]);
  });

  test("when the first KR login arrives last, then it is the account's first KR login and has no previous login", async () => {
    const [kr1, jp, kr2] = krJpKr('acc-reversed');
    const facts = await recordOneByOne(kr2, jp, kr1);
    expect(facts.map((f) => [f.newCountry, f.previous])).toEqual([
      [true, null],
      [true, null],
      [true, null],
    ]);
    const next = geoResolved({ accountId: 'acc-reversed', country: 'KR', time: t(25) });
    const [after] = await recordOneByOne(next);
    expect([after.newCountry, after.previous]).toEqual([false, previous(kr2)]);
  });

  test("when a login has no country, then it is never a new country but is still the next login's previous", async () => {
    const unknown = geoResolved({ accountId: 'acc-private', country: null, time: t(0), ip: '10.1.2.3' });
    const kr = geoResolved({ accountId: 'acc-private', country: 'KR', time: t(5) });
    const facts = await recordOneByOne(unknown, kr);
    expect(facts.map((f) => [f.newCountry, f.previous])).toEqual([
      [false, null],
      [true, { country: null, ip: '10.1.2.3', loggedInAt: unknown.time }],
    ]);
  });

  test('when many accounts log in concurrently and out of order, then every previous is an earlier login of the same account and the next login follows the latest', async () => {
    const accounts = ['acc-chain-a', 'acc-chain-b', 'acc-chain-c'];
    const events = accounts.flatMap((accountId, a) =>
      Array.from({ length: 15 }, (_, i) =>
        geoResolved({
          accountId,
          country: i % 4 === 0 ? 'KR' : 'US',
          time: t(i),
          ip: `192.0.2.${a * 20 + i}`,
        }),
      ),
    );
    // Shuffled, and split across batches that run concurrently.
    const shuffled = [...events].sort(() => Math.random() - 0.5);
    await Promise.all([h.publish(...shuffled.slice(0, 20)), h.publish(...shuffled.slice(20))]);
    const facts = await historyOf(...events);
    events.forEach((e, i) => {
      const p = facts[i].previous;
      if (!p) return;
      const earlier = events.find((x) => x.data.ip === p.ip)!;
      expect(earlier.data.accountId).toBe(e.data.accountId);
      expect(Date.parse(p.loggedInAt)).toBeLessThan(Date.parse(e.time));
      expect(p).toEqual(previous(earlier));
    });

    const next = accounts.map((accountId) => geoResolved({ accountId, country: 'KR', time: t(40) }));
    const after = await recordOneByOne(...next);
    accounts.forEach((accountId, a) => {
      const latest = events.filter((e) => e.data.accountId === accountId)[14]!;
      expect([after[a].newCountry, after[a].previous]).toEqual([false, previous(latest)]);
    });
  });
});

import { haversineKm, prefixOf, travelBetween } from '../../src/domain/features';
import { deviceHashOf } from '../../src/application/record-logins/device-hash';
import { LoginToRecord, planHistory } from '../../src/domain/history';
import { featureKey, LOGINS_KEY } from '../../src/domain/features';

describe('features of a login', () => {
  test('when an IPv4 address is given, then its prefix is its /24', () => {
    expect(prefixOf('203.0.113.77')).toBe('203.0.113.0/24');
  });

  test('when an IPv6 address is given, then its prefix is its /48, however it is written', () => {
    expect(prefixOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(prefixOf('2001:0db8:ABCD:0012:0000:0000:0000:0001')).toBe('2001:db8:abcd::/48');
    expect(prefixOf('2001:db8::42')).toBe('2001:db8::/48');
  });

  test('when an IPv4-mapped IPv6 address is given, then its prefix is the IPv4 /24', () => {
    expect(prefixOf('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(prefixOf('::ffff:c633:6409')).toBe('198.51.100.0/24');
  });

  test('when something else is given, then it is refused', () => {
    expect(() => prefixOf('not-an-ip')).toThrow();
    expect(() => prefixOf('127.1')).toThrow();
  });

  test('when a device id is hashed, then the hash depends on the key and never contains the id', () => {
    const a = deviceHashOf('key-1', 'device-42');
    expect(a).toBe(deviceHashOf('key-1', 'device-42'));
    expect(a).not.toBe(deviceHashOf('key-2', 'device-42'));
    expect(a).not.toContain('device-42');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('travel', () => {
  const seoul = { latitude: 37.5665, longitude: 126.978, source: 'city' as const };
  const nyc = { latitude: 40.7128, longitude: -74.006, source: 'city' as const };

  test('when two places are measured, then the haversine distance is the known one', () => {
    expect(Math.round(haversineKm(seoul, nyc))).toBeGreaterThan(11000);
    expect(Math.round(haversineKm(seoul, nyc))).toBeLessThan(11100);
    expect(haversineKm(seoul, seoul)).toBe(0);
  });

  test('when the second login is 20 minutes after the first, then the speed follows', () => {
    const from = { loggedInAt: new Date(0), country: 'KR', place: seoul };
    const to = { loggedInAt: new Date(20 * 60_000), country: 'US', place: nyc };
    const travel = travelBetween(from, to)!;
    expect(travel).toMatchObject({ fromCountry: 'KR', toCountry: 'US', minutes: 20, source: 'city' });
    expect(travel.kmh).toBe(Math.round(haversineKm(seoul, nyc) * 3));
  });

  test('when both logins are at the same instant, then the speed is null; when one place is a centroid, the source is country', () => {
    const to = { loggedInAt: new Date(0), country: 'US', place: { ...nyc, source: 'country' as const } };
    const travel = travelBetween({ loggedInAt: new Date(0), country: 'KR', place: seoul }, to)!;
    expect(travel.kmh).toBeNull();
    expect(travel.source).toBe('country');
  });

  test('when a place is unknown, then there is no travel', () => {
    expect(
      travelBetween(
        { loggedInAt: new Date(0), country: null, place: null },
        { loggedInAt: new Date(1), country: 'KR', place: seoul },
      ),
    ).toBeUndefined();
  });
});

describe('planning the feature counts', () => {
  const at = (m: number) => new Date(Date.UTC(2026, 10, 20, 9, m));
  const login = (n: number, device: string): LoginToRecord => ({
    loginId: `l-${n}`,
    accountId: 'a',
    loggedInAt: at(n),
    recordId: `00000000-0000-4000-8000-00000000000${n}`,
    ip: `192.0.2.${n}`,
    country: 'KR',
    place: null,
    features: { prefix: '192.0.2.0/24', country: 'KR', device },
  });

  test("when an account's logins come in one batch, then each counts the recorded ones and the batch's earlier ones, and everyone's counts are those before the batch", () => {
    const histories = new Map([
      [
        'a',
        {
          latest: null,
          countries: new Map(),
          features: new Map([
            [LOGINS_KEY, 4],
            [featureKey('device', 'd1'), 4],
          ]),
        },
      ],
    ]);
    const population = {
      features: new Map([
        [LOGINS_KEY, 100],
        [featureKey('device', 'd1'), 7],
      ]),
    };
    const plan = planHistory([login(2, 'd1'), login(1, 'd1')], histories, new Map(), {
      population,
      failures: new Map(),
    });
    expect(plan.facts.get('l-1')!.extra).toMatchObject({
      logins: 4,
      globalLogins: 100,
      features: { device: { account: 4, global: 7 } },
    });
    expect(plan.facts.get('l-2')!.extra).toMatchObject({
      logins: 5,
      globalLogins: 100,
      features: { device: { account: 5, global: 7 } },
    });
    expect(plan.accountFeatures).toEqual(
      expect.arrayContaining([
        { accountId: 'a', kind: 'device', value: 'd1', count: 2, firstSeenAt: at(1), lastSeenAt: at(2) },
      ]),
    );
    const keys = plan.globalFeatures.map((g) => `${g.kind}/${g.value}`);
    expect(keys).toEqual([...keys].sort());
    expect(plan.globalFeatures.find((g) => g.kind === 'logins')!.count).toBe(2);
  });
});

import { assessLogin, whatWasNew } from '../../src/domain/assessment';
import {
  DEFAULT_THRESHOLDS as T,
  bruteForceSignal,
  confirmedByPlayerSignal,
  countryUnknownSignal,
  credentialStuffingSignal,
  foreignCountrySignal,
  hostingNetworkSignal,
  impossibleTravelSignal,
  newDeviceSignal,
  newNetworkSignal,
  reportedIpSignal,
  riskScore,
  travelPassSignal,
  trustedCountrySignal,
} from '../../src/domain/signals';
import type { LoginFacts, LoginHistory, ProtectionSettings } from '../../src/domain/types';

const settings = (over: Partial<ProtectionSettings> = {}): ProtectionSettings => ({
  policy: 'notify',
  channels: ['email'],
  email: 'p@example.com',
  phone: null,
  trustedCountries: [],
  travelPasses: [],
  locale: 'en',
  ...over,
});

const prefix = { account: 3, global: 10, prefix: '203.0.113.0/24' };
const known: LoginHistory = {
  logins: 3,
  globalLogins: 1000,
  features: {
    device: { account: 3, global: 3 },
    asn: { account: 3, global: 300 },
    country: { account: 3, global: 900 },
    prefix,
  },
};

const login = (over: Partial<LoginFacts> = {}, history: Partial<LoginHistory> = {}): LoginFacts => ({
  loginId: 'login-1',
  accountId: 'acc-1',
  sessionId: 's-1',
  ip: '203.0.113.7',
  country: 'KR',
  homeCountry: 'KR',
  at: '2026-11-21T10:15:00.000Z',
  asn: 4766,
  asOrg: 'Korea Telecom',
  network: 'other',
  ...over,
  history: { ...known, ...history },
});

const features = (f: Partial<NonNullable<LoginHistory['features']>>) => ({ ...known.features!, ...f });

describe('the country signals', () => {
  test('when the country is neither home nor trusted, then foreign_country is suspicious and names it', () => {
    expect(foreignCountrySignal(login({ country: 'US' }), settings(), T)).toEqual({
      code: 'foreign_country',
      level: 'suspicious',
      detail: { country: 'US', homeCountry: 'KR' },
    });
    expect(foreignCountrySignal(login(), settings(), T)).toBeNull();
    expect(
      foreignCountrySignal(login({ country: 'US' }), settings({ trustedCountries: ['US'] }), T),
    ).toBeNull();
  });

  test('when a trusted country is the login’s, then trusted_country is info', () => {
    expect(
      trustedCountrySignal(login({ country: 'JP' }), settings({ trustedCountries: ['JP'] }), T),
    ).toMatchObject({
      code: 'trusted_country',
      level: 'info',
    });
  });

  const pass = { country: 'US', from: '2026-11-20T00:00:00.000Z', until: '2026-11-25T00:00:00.000Z' };
  test.each([
    ['just before the pass starts', '2026-11-19T23:59:59.999Z', false],
    ['at its start', pass.from, true],
    ['inside it', '2026-11-21T10:15:00.000Z', true],
    ['at its end', pass.until, true],
    ['just after it ends', '2026-11-25T00:00:00.001Z', false],
  ])(
    'when a login comes from the pass’s country %s, then travel_pass replaces foreign_country accordingly',
    (_w, at, covered) => {
      const l = login({ country: 'US', at });
      const s = settings({ travelPasses: [pass] });
      expect(travelPassSignal(l, s, T) !== null).toBe(covered);
      expect(foreignCountrySignal(l, s, T) !== null).toBe(!covered);
    },
  );

  test('when the pass is for another country, then the login stays foreign', () => {
    const s = settings({ travelPasses: [{ ...pass, country: 'JP' }] });
    expect(foreignCountrySignal(login({ country: 'US' }), s, T)).not.toBeNull();
  });

  test('when the country is unknown, then country_unknown is info with the reason', () => {
    expect(
      countryUnknownSignal(login({ country: null, countryUnknownReason: 'private' }), settings(), T),
    ).toEqual({
      code: 'country_unknown',
      level: 'info',
      detail: { reason: 'private' },
    });
  });
});

describe('impossible_travel', () => {
  const travel = (km: number, kmh: number | null) =>
    login({}, { travel: { fromCountry: 'KR', toCountry: 'JP', km, minutes: 20, kmh, source: 'country' } });
  test.each([
    [500, 5000, false],
    [501, 5000, true],
    [501, 1000, false],
    [501, 1001, true],
    [10480, null, true],
  ])('when the previous login was %i km away at %s km/h, then it fires: %s', (km, kmh, fires) => {
    expect(impossibleTravelSignal(travel(km, kmh), settings(), T) !== null).toBe(fires);
  });
  test('carries its evidence', () => {
    expect(impossibleTravelSignal(travel(10480, 31440), settings(), T)).toEqual({
      code: 'impossible_travel',
      level: 'suspicious',
      detail: { fromCountry: 'KR', toCountry: 'JP', km: 10480, minutes: 20, kmh: 31440, source: 'country' },
    });
  });
  test('when the account has fewer than SIGNAL_MIN_HISTORY earlier logins, or no travel is known, then it does not fire', () => {
    const l = travel(10480, 31440);
    expect(impossibleTravelSignal({ ...l, history: { ...l.history, logins: 2 } }, settings(), T)).toBeNull();
    expect(impossibleTravelSignal(login(), settings(), T)).toBeNull();
  });
});

describe('new_device and new_network', () => {
  test.each([
    [2, false],
    [3, true],
    [4, true],
  ])(
    'when the device is new on an account with %i earlier logins, then new_device fires: %s',
    (logins, fires) => {
      const l = login({}, { logins, features: features({ device: { account: 0, global: 0 } }) });
      expect(newDeviceSignal(l, settings(), T) !== null).toBe(fires);
      if (fires) expect(newDeviceSignal(l, settings(), T)).toMatchObject({ level: 'unusual' });
    },
  );
  test('when the device was seen once, or no device is known, then new_device does not fire', () => {
    expect(
      newDeviceSignal(
        login({}, { features: features({ device: { account: 1, global: 1 } }) }),
        settings(),
        T,
      ),
    ).toBeNull();
    expect(newDeviceSignal(login({}, { features: { prefix } }), settings(), T)).toBeNull();
  });
  test.each([
    [2, false],
    [3, true],
  ])(
    'when the ASN is new on an account with %i earlier logins, then new_network fires: %s',
    (logins, fires) => {
      const l = login({}, { logins, features: features({ asn: { account: 0, global: 10 } }) });
      expect(newNetworkSignal(l, settings(), T) !== null).toBe(fires);
    },
  );
  test('new_network names the network', () => {
    const l = login({}, { features: features({ asn: { account: 0, global: 10 } }) });
    expect(newNetworkSignal(l, settings(), T)!.detail).toMatchObject({ asn: 4766, asOrg: 'Korea Telecom' });
  });
});

describe('hosting_network', () => {
  const newAsn = features({ asn: { account: 0, global: 10 } });
  test('when a hosting network is new on a young account, then it is unusual', () => {
    const l = login({ network: 'hosting', asn: 16509 }, { logins: 0, features: newAsn });
    expect(hostingNetworkSignal(l, settings(), T)).toEqual({
      code: 'hosting_network',
      level: 'unusual',
      detail: { asn: 16509, asOrg: 'Korea Telecom' },
    });
  });
  test('when it comes with a new network (or device) on an account with history, then it is suspicious', () => {
    const l = login({ network: 'hosting' }, { features: newAsn });
    expect(hostingNetworkSignal(l, settings(), T)).toMatchObject({ level: 'suspicious' });
  });
  test('when the account used that hosting network before, or the network is not hosting, then it does not fire', () => {
    expect(hostingNetworkSignal(login({ network: 'hosting' }), settings(), T)).toBeNull();
    expect(hostingNetworkSignal(login({ network: 'other' }, { features: newAsn }), settings(), T)).toBeNull();
  });
});

describe('failed-login signals', () => {
  const failing = (ipAccounts: number, account: number) =>
    login({}, { failures: { windowMinutes: 60, ipAccounts, account } });
  test.each([
    [19, false],
    [20, true],
    [21, true],
  ])('when the IP failed on %i accounts, then credential_stuffing_ip fires: %s', (n, fires) => {
    expect(credentialStuffingSignal(failing(n, 0), settings(), T) !== null).toBe(fires);
  });
  test.each([
    [9, false],
    [10, true],
    [11, true],
  ])('when the account had %i failures, then brute_force fires: %s', (n, fires) => {
    expect(bruteForceSignal(failing(0, n), settings(), T) !== null).toBe(fires);
  });
  test('they carry their counts, also on an account’s first login', () => {
    const l = {
      ...failing(20, 10),
      history: { failures: { windowMinutes: 60, ipAccounts: 20, account: 10 } },
    };
    expect(credentialStuffingSignal(l, settings(), T)!.detail).toMatchObject({ accounts: 20 });
    expect(bruteForceSignal(l, settings(), T)!.detail).toMatchObject({ failures: 10 });
  });
});

describe('the risk score', () => {
  const allNew = (logins: number): LoginHistory => ({
    logins,
    globalLogins: 1000,
    features: {
      device: { account: 0, global: 0 },
      asn: { account: 0, global: 10 },
      country: { account: 0, global: 20 },
      prefix: { account: 0, global: 0, prefix: '198.51.100.0/24' },
    },
  });
  test('a login like the account’s past scores 0; an all-new one scores higher', () => {
    expect(riskScore(known)).toBe(0);
    expect(riskScore(allNew(3))).toBe(55);
  });
  test('the README’s worked example', () => {
    expect(riskScore(allNew(10))).toBe(71);
  });
  test('it grows with the history the login departs from, stays within 0–100, and is 0 without history', () => {
    const scores = [0, 1, 3, 10, 100, 10_000].map((n) => riskScore(allNew(n)));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThanOrEqual(scores[i - 1]!);
    expect(scores[0]).toBe(0);
    expect(Math.max(...scores)).toBeLessThanOrEqual(100);
    expect(riskScore(undefined)).toBe(0);
    expect(riskScore({ logins: 5 })).toBe(0);
  });
  test('each additional new feature raises it', () => {
    const h = (n: number): LoginHistory => {
      const f = allNew(10).features!;
      const k = known.features!;
      return {
        logins: 10,
        globalLogins: 1000,
        features: {
          device: n > 0 ? f.device : { account: 10, global: 10 },
          asn: n > 1 ? f.asn : k.asn,
          country: n > 2 ? f.country : k.country,
          prefix: n > 3 ? f.prefix : { ...prefix, account: 10 },
        },
      };
    };
    const s = [0, 1, 2, 3, 4].map((n) => riskScore(h(n)));
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThanOrEqual(s[i - 1]!);
    expect(s[4]).toBeGreaterThan(s[0]!);
  });
});

describe('the verdict', () => {
  test('a known login is trusted', () => {
    expect(assessLogin(login(), settings()).verdict).toBe('trusted');
  });
  test('an unusual signal alone makes it unusual', () => {
    const a = assessLogin(
      login({}, { features: features({ device: { account: 0, global: 0 } }) }),
      settings(),
    );
    expect(a.verdict).toBe('unusual');
    expect(a.reasons).toEqual(['new_device']);
  });
  test('a suspicious signal wins over unusual ones', () => {
    const a = assessLogin(
      login({ network: 'hosting' }, { features: features({ asn: { account: 0, global: 0 } }) }),
      settings(),
    );
    expect(a.verdict).toBe('suspicious');
    expect(a.reasons).toEqual(['hosting_network', 'new_network']);
  });
  const riskOnly: Partial<LoginHistory> = {
    logins: 100,
    features: { country: { account: 1, global: 900 }, prefix: { account: 0, global: 0, prefix: 'p' } },
  };
  test('a risk at or above the threshold makes it unusual without any signal; 101 turns that off', () => {
    const l = login({}, riskOnly);
    const risk = riskScore(l.history);
    expect(assessLogin(l, settings(), { ...T, riskUnusualThreshold: risk }).verdict).toBe('unusual');
    expect(assessLogin(l, settings(), { ...T, riskUnusualThreshold: risk + 1 }).verdict).toBe('trusted');
    expect(assessLogin(l, settings(), { ...T, riskUnusualThreshold: 101 }).verdict).toBe('trusted');
  });
  test('an account with fewer than SIGNAL_MIN_HISTORY logins is not unusual by its risk alone', () => {
    const l = login({}, riskOnly);
    const risk = riskScore(l.history);
    expect(risk).toBeGreaterThan(0);
    expect(assessLogin(l, settings(), { ...T, riskUnusualThreshold: risk, minHistory: 101 }).verdict).toBe(
      'trusted',
    );
  });
  test('a new sign-in notice says what was new', () => {
    expect(
      whatWasNew(
        login(
          {},
          { features: features({ device: { account: 0, global: 0 }, country: { account: 0, global: 1 } }) },
        ),
      ),
    ).toEqual(['device', 'place']);
  });
});

describe('reported_ip (SPEC §7, §8)', () => {
  const at = '2026-11-21T10:15:00.000Z';
  const daysBefore = (d: number) => new Date(Date.parse(at) - d * 86_400_000).toISOString();

  test('when a player reported this IP within REPORTED_IP_DAYS, then reported_ip is suspicious with the report time and window', () => {
    const l = login({ at, answers: { ipReportedAt: daysBefore(29) } });
    expect(reportedIpSignal(l, settings(), T)).toEqual({
      code: 'reported_ip',
      level: 'suspicious',
      detail: { reportedAt: daysBefore(29), days: 30 },
    });
  });

  test.each([
    ['exactly 30 days before', 30, true],
    ['30 days and a second before', 30 + 1 / 86_400, false],
    ['after the login (reported meanwhile)', -1, true],
  ])('when the report is %s, then it fires: %s', (_w, days, fires) => {
    const l = login({ at, answers: { ipReportedAt: daysBefore(days) } });
    expect(reportedIpSignal(l, settings(), T) !== null).toBe(fires);
  });

  test('when the window is configured shorter, then an older report no longer counts', () => {
    const l = login({ at, answers: { ipReportedAt: daysBefore(8) } });
    expect(reportedIpSignal(l, settings(), { ...T, reportedIpDays: 7 })).toBeNull();
    expect(reportedIpSignal(l, settings(), { ...T, reportedIpDays: 8 })).toMatchObject({
      detail: { days: 8 },
    });
  });

  test('when no report is known, then it does not fire', () => {
    expect(reportedIpSignal(login(), settings(), T)).toBeNull();
    expect(reportedIpSignal(login({ answers: { knownDevice: true } }), settings(), T)).toBeNull();
  });

  test('on an account’s first login (no past at all), then it still fires and makes the login suspicious', () => {
    const l: LoginFacts = {
      ...login({ at, answers: { ipReportedAt: daysBefore(1) } }),
      history: { logins: 0 },
    };
    const a = assessLogin(l, settings());
    expect(a.verdict).toBe('suspicious');
    expect(a.reasons).toEqual(['reported_ip']);
  });
});

describe('confirmed_by_player (SPEC §8 "it was me")', () => {
  const newBoth = features({ device: { account: 0, global: 0 }, asn: { account: 0, global: 10 } });

  test('when the device or the network was confirmed, then confirmed_by_player is info and says which', () => {
    expect(confirmedByPlayerSignal(login({ answers: { knownDevice: true } }), settings(), T)).toEqual({
      code: 'confirmed_by_player',
      level: 'info',
      detail: { device: true, network: false },
    });
    expect(
      confirmedByPlayerSignal(login({ answers: { knownDevice: true, knownNetwork: true } }), settings(), T),
    ).toMatchObject({ detail: { device: true, network: true } });
    expect(confirmedByPlayerSignal(login(), settings(), T)).toBeNull();
    expect(
      confirmedByPlayerSignal(
        login({ answers: { ipReportedAt: '2026-11-20T00:00:00.000Z' } }),
        settings(),
        T,
      ),
    ).toBeNull();
  });

  test('when a device new to login-history was confirmed, then new_device does not fire (new_network still does)', () => {
    const l = login({ answers: { knownDevice: true } }, { features: newBoth });
    expect(newDeviceSignal(l, settings(), T)).toBeNull();
    expect(newNetworkSignal(l, settings(), T)).not.toBeNull();
  });

  test('when a network new to login-history was confirmed, then new_network does not fire (new_device still does)', () => {
    const l = login({ answers: { knownNetwork: true } }, { features: newBoth });
    expect(newNetworkSignal(l, settings(), T)).toBeNull();
    expect(newDeviceSignal(l, settings(), T)).not.toBeNull();
  });

  test('when a confirmed ASN is a hosting network, then hosting_network takes it as used before', () => {
    const hosting = { network: 'hosting' as const, asn: 16509 };
    expect(
      hostingNetworkSignal(
        login({ ...hosting, answers: { knownNetwork: true } }, { features: newBoth }),
        settings(),
        T,
      ),
    ).toBeNull();
    // A young account too (hosting_network fires on the first logins).
    expect(
      hostingNetworkSignal(
        login({ ...hosting, answers: { knownNetwork: true } }, { logins: 0, features: newBoth }),
        settings(),
        T,
      ),
    ).toBeNull();
    // Unconfirmed it is suspicious with the new device; with the device confirmed only unusual.
    expect(hostingNetworkSignal(login(hosting, { features: newBoth }), settings(), T)).toMatchObject({
      level: 'suspicious',
    });
    const withDevice = login({ ...hosting, answers: { knownDevice: true } }, { features: newBoth });
    expect(hostingNetworkSignal(withDevice, settings(), T)).toMatchObject({ level: 'suspicious' });
  });

  test('when both were confirmed, then the login is trusted with only the info signal, and the new sign-in notice names neither', () => {
    const l = login({ answers: { knownDevice: true, knownNetwork: true } }, { features: newBoth });
    const a = assessLogin(l, settings());
    expect(a.verdict).toBe('trusted');
    expect(a.reasons).toEqual(['confirmed_by_player']);
    expect(a.signals).toEqual([
      { code: 'confirmed_by_player', level: 'info', detail: { device: true, network: true } },
    ]);
    expect(whatWasNew(l)).toEqual([]);
    expect(whatWasNew(login({ answers: { knownDevice: true } }, { features: newBoth }))).toEqual(['network']);
  });

  test('a reported IP stays suspicious even when the device and network are confirmed', () => {
    const l = login({
      answers: { knownDevice: true, knownNetwork: true, ipReportedAt: '2026-11-21T00:00:00.000Z' },
    });
    const a = assessLogin(l, settings());
    expect(a.verdict).toBe('suspicious');
    expect(a.reasons).toEqual(['reported_ip', 'confirmed_by_player']);
  });
});

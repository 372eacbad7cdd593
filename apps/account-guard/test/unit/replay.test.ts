import { ActualDecision, Replay } from '../../scripts/replay/engine';
import { factsOf } from '../../scripts/replay/facts';
import { formatReport } from '../../scripts/replay/format';
import { SettingsFileError, parseSettingsFile, replaySettings } from '../../scripts/replay/settings';
import type { LoginFacts, Policy, ProtectionSettings } from '../../src/domain/types';

const settingsOf = (policy: Policy): ProtectionSettings => ({
  policy,
  channels: ['in_game'],
  email: null,
  phone: null,
  trustedCountries: [],
  locale: 'en',
});

let n = 0;
const login = (accountId: string, country: string, logins = 5): LoginFacts => ({
  loginId: `login-${++n}`,
  accountId,
  sessionId: `s-${n}`,
  ip: '203.0.113.7',
  country,
  homeCountry: 'KR',
  at: new Date(Date.UTC(2026, 10, 20, 0, n)).toISOString(),
  history: { logins, globalLogins: 1000 },
});
const actual = (
  verdict: ActualDecision['verdict'],
  actions: string[],
  more: Partial<ActualDecision> = {},
) => ({
  verdict,
  reasons: [],
  signals: verdict === 'suspicious' ? ['foreign_country'] : [],
  actions,
  shadow: false,
  ...more,
});

const current = replaySettings({});
const replayWith = (maxExamples = 5) =>
  new Replay(current, maxExamples, { from: 'f', to: 't', source: 'test' });

describe('replay engine', () => {
  test('when a login is judged as it was, then it counts on both sides and makes no difference', () => {
    const r = replayWith();
    const out = r.add({
      facts: login('a', 'US'),
      settings: settingsOf('kick'),
      actual: actual('suspicious', ['notify:in_game', 'kick']),
    });
    expect(out).toMatchObject({
      verdict: 'suspicious',
      signals: ['foreign_country'],
      actions: ['notify:in_game', 'kick'],
    });
    expect(r.report.verdicts).toEqual({ replay: { suspicious: 1 }, actual: { suspicious: 1 } });
    expect(r.report.difference.logins).toBe(0);
  });

  test('when a replayed lock meets later logins, then they are refused as account_locked until account-guard shows it was lifted', () => {
    const r = replayWith();
    const lock = settingsOf('lock');
    // account-guard locked at the same login: a later login it let in means the lock was lifted.
    r.add({
      facts: login('a', 'US'),
      settings: lock,
      actual: actual('suspicious', ['notify:in_game', 'kick', 'lock']),
    });
    expect(r.add({ facts: login('a', 'KR'), settings: lock, actual: actual('trusted', []) }).actions).toEqual(
      [],
    );
    // A lock only the replay makes holds to the end of the window.
    r.add({ facts: login('b', 'US'), settings: lock, actual: actual('suspicious', ['notify:in_game']) });
    const refused = r.add({ facts: login('b', 'KR'), settings: lock, actual: actual('trusted', []) });
    expect(refused.actions).toEqual(['kick']);
    expect(r.report.locks).toMatchObject({
      logins: 2,
      accounts: 2,
      extra: 1,
      refusedLocked: 1,
      examples: ['a', 'b'],
    });
    expect(r.report.difference.bySignal).toEqual({
      policy: { count: 2, examples: expect.any(Array) },
    });
  });

  test('when account-guard refused a login as locked, then the replay does too, unless the lock was its own at a login the replay lets in', () => {
    const r = replayWith();
    const refusedActual = actual('trusted', ['kick'], { reasons: ['account_locked'] });
    // Locked before the window (or by support): a real lock the replay cannot lift.
    expect(
      r.add({ facts: login('a', 'KR'), settings: settingsOf('notify'), actual: refusedActual }).actions,
    ).toEqual(['kick']);
    // Locked by account-guard at a login the replay (policy notify now) does not lock.
    r.add({
      facts: login('b', 'US'),
      settings: settingsOf('notify'),
      actual: actual('suspicious', ['notify:in_game', 'kick', 'lock']),
    });
    expect(
      r.add({ facts: login('b', 'KR'), settings: settingsOf('notify'), actual: refusedActual }).actions,
    ).toEqual([]);
  });

  test('when the verdict changes, then it is grouped by the signals that differ, or risk, with at most the examples asked for', () => {
    const strict = replaySettings({}, { RISK_UNUSUAL_THRESHOLD: '0' });
    const r = new Replay(strict, 2, { from: 'f', to: 't', source: 'file' });
    for (let i = 0; i < 3; i++)
      r.add({ facts: login('a', 'KR'), settings: settingsOf('notify'), actual: actual('trusted', []) });
    r.add({ facts: login('c', 'US'), settings: settingsOf('notify'), actual: actual('trusted', []) });
    // Not decided by account-guard: counted, not compared.
    r.add({ facts: login('d', 'KR'), settings: settingsOf('notify'), actual: null });
    const d = r.report.difference;
    expect(d.transitions).toEqual({ 'trusted→unusual': 3, 'trusted→suspicious': 1 });
    expect(d.bySignal.risk!.count).toBe(3);
    expect(d.bySignal.risk!.examples).toHaveLength(2);
    expect(d.bySignal['+foreign_country']!.count).toBe(1);
    expect(r.report.logins).toMatchObject({ total: 5, decided: 4, undecided: 1 });
    expect(formatReport(r.report)).toContain('+foreign_country: 1');
  });

  test('when an account has fewer than SIGNAL_MIN_HISTORY earlier logins, then the score alone does not make it unusual', () => {
    const r = new Replay(replaySettings({}, { RISK_UNUSUAL_THRESHOLD: '0' }), 5, {
      from: 'f',
      to: 't',
      source: 'x',
    });
    expect(r.add({ facts: login('a', 'KR', 2), settings: settingsOf('notify'), actual: null }).verdict).toBe(
      'trusted',
    );
  });
});

describe('replay settings', () => {
  test('the environment is read as config.ts reads it, prefixed first, and a file overrides both', () => {
    const env = {
      RISK_UNUSUAL_THRESHOLD: '60',
      ACCOUNT_GUARD_RISK_UNUSUAL_THRESHOLD: '70',
      SMTP_URL: 'smtp://x',
      MAIL_FROM: 'a@b.c',
    };
    expect(replaySettings(env).thresholds.riskUnusualThreshold).toBe(70);
    expect(replaySettings(env).channelsEnabled).toEqual({ email: true, sms: false, in_game: true });
    const o = parseSettingsFile(
      '{"RISK_UNUSUAL_THRESHOLD": 40, "DEFAULT_POLICY": "lock", "DEFAULT_CHANNELS": ["in_game"]}',
      'f.json',
    );
    const s = replaySettings(env, o, 'f.json');
    expect(s.thresholds.riskUnusualThreshold).toBe(40);
    expect(s.defaultPolicy).toBe('lock');
    expect(s.defaultChannels).toEqual(['in_game']);
  });

  test.each([
    ['not json', /f\.json: is not JSON/],
    ['[1]', /must be a JSON object/],
    ['{"PORT": 1}', /PORT is not a setting the replay uses/],
    ['{"RISK_UNUSUAL_THRESHOLD": true}', /RISK_UNUSUAL_THRESHOLD must be a number or a string/],
  ])('a settings file %s is refused with one line', (text, message) => {
    expect(() => parseSettingsFile(text, 'f.json')).toThrow(message);
  });

  test('a value the schema refuses names the file and the setting', () => {
    expect(() => replaySettings({}, { RISK_UNUSUAL_THRESHOLD: '400' }, 'f.json')).toThrow(SettingsFileError);
    expect(() => replaySettings({}, { RISK_UNUSUAL_THRESHOLD: '400' }, 'f.json')).toThrow(
      /^f\.json: configuration error: RISK_UNUSUAL_THRESHOLD is invalid/,
    );
  });
});

describe('replay facts', () => {
  test('an exported login becomes the facts the consumer builds from login.recorded', () => {
    const facts = factsOf(
      {
        loginEventId: 'L1',
        recordId: 'R1',
        loggedInAt: '2026-11-20T00:00:00.000Z',
        data: {
          accountId: 'a',
          sessionId: 's',
          ip: '8.8.8.8',
          client: { platform: 'pc', version: '1' },
          homeCountry: 'JP',
          geo: { country: 'US', asn: 15169, asOrg: 'GOOGLE', network: 'hosting' },
          history: { recordId: 'R1', newCountry: true, previous: null, logins: 4, globalLogins: 9 },
        },
      },
      'KR',
    );
    expect(facts).toMatchObject({
      loginId: 'L1',
      accountId: 'a',
      sessionId: 's',
      country: 'US',
      homeCountry: 'JP',
      at: '2026-11-20T00:00:00.000Z',
      asn: 15169,
      network: 'hosting',
      history: { logins: 4, globalLogins: 9 },
    });
    expect(facts.deviceId).toBeUndefined();
  });
});

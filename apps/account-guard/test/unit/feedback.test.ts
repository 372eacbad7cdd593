import { followUpId } from '@account-security/shared';
import {
  AnsweredLogin,
  MAX_TRAVEL_PASSES,
  accountLockedByAnswer,
  feedbackUrl,
  loginReported,
  mayAnswerMe,
  passwordReset,
  planTravelPass,
  sessionsRevoke,
  transitionOf,
} from '../../src/domain/feedback';
import type { TravelPass } from '../../src/domain/types';
import { ConfigError } from '@account-security/shared';
import { loadAccountGuardConfig } from '../../src/config';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const pass = (country: string, from: number, until: number): TravelPass => ({
  country,
  from: at(from),
  until: at(until),
});
const input = (over: Partial<Parameters<typeof planTravelPass>[0]> = {}) => ({
  country: 'JP' as string | null,
  homeCountry: 'KR',
  trustedCountries: [] as string[],
  passes: [] as TravelPass[],
  ...over,
});

describe('the travel pass "it was me" grants', () => {
  test('when the country is unknown, home or trusted, then no pass is granted', () => {
    expect(planTravelPass(input({ country: null }), NOW, 30, 90)).toBeNull();
    expect(planTravelPass(input({ country: 'KR' }), NOW, 30, 90)).toBeNull();
    expect(planTravelPass(input({ trustedCountries: ['JP'] }), NOW, 30, 90)).toBeNull();
  });

  test('when the account has no pass for the country, then one runs from now for the configured days', () => {
    const other = pass('US', -1, 5);
    const plan = planTravelPass(input({ passes: [other] }), NOW, 30, 90)!;
    expect(plan.pass).toEqual(pass('JP', 0, 30));
    expect(plan.passes).toEqual([other, pass('JP', 0, 30)]);
    expect(plan).toMatchObject({ changed: true, replaced: [], dropped: [] });
  });

  test('when a pass in force already covers through the new end, then nothing changes', () => {
    const long = pass('JP', -5, 40);
    const plan = planTravelPass(input({ passes: [long] }), NOW, 30, 90)!;
    expect(plan).toEqual({ pass: long, passes: [long], changed: false, replaced: [], dropped: [] });
  });

  test('when a pass in force ends sooner, then it is extended, keeping its start while within the longest pass', () => {
    const short = pass('JP', -10, 3);
    const plan = planTravelPass(input({ passes: [short] }), NOW, 30, 90)!;
    expect(plan.pass).toEqual(pass('JP', -10, 30));
    expect(plan.passes).toEqual([pass('JP', -10, 30)]);
    expect(plan.replaced).toEqual([short]);

    const old = pass('JP', -80, 3);
    expect(planTravelPass(input({ passes: [old] }), NOW, 30, 90)!.pass).toEqual(pass('JP', 0, 30));
  });

  test('when a pass of the country is expired or still to come, then it is left alone and a new one added', () => {
    const expired = pass('JP', -20, -10);
    const future = pass('JP', 50, 60);
    const plan = planTravelPass(input({ passes: [expired, future] }), NOW, 30, 90)!;
    expect(plan.passes).toEqual([expired, future, pass('JP', 0, 30)]);
  });

  test('when the account has ten passes, then expired ones are dropped first, then the one ending soonest', () => {
    const expired = pass('US', -20, -1);
    const codes = ['US', 'GB', 'FR', 'DE', 'IT', 'ES', 'CA', 'AU', 'NZ'];
    const active = codes.map((c, i) => pass(c, -1, 10 + i));
    const withExpired = planTravelPass(input({ passes: [expired, ...active] }), NOW, 30, 90)!;
    expect(withExpired.dropped).toEqual([expired]);
    expect(withExpired.passes).toHaveLength(MAX_TRAVEL_PASSES);

    const full = [...active, pass('TH', -1, 2)];
    const plan = planTravelPass(input({ passes: full }), NOW, 30, 90)!;
    expect(plan.dropped).toEqual([pass('TH', -1, 2)]);
    expect(plan.passes).toHaveLength(MAX_TRAVEL_PASSES);
    expect(plan.passes.at(-1)).toEqual(pass('JP', 0, 30));
  });
});

describe('answering again', () => {
  test('when an answer follows another, then the same is a repeat, "not me" after "me" is carried out and "me" after "not me" refused', () => {
    expect(transitionOf(null, 'me')).toBe('first');
    expect(transitionOf(null, 'not_me')).toBe('first');
    expect(transitionOf('me', 'me')).toBe('repeat');
    expect(transitionOf('not_me', 'not_me')).toBe('repeat');
    expect(transitionOf('me', 'not_me')).toBe('not_me_after_me');
    expect(transitionOf('not_me', 'me')).toBe('refused');
  });

  test('when "it was me" comes through a bearer token, then only a token issued at least the margin before the login, or support, may say it', () => {
    const login = new Date('2026-12-04T12:00:00.000Z');
    const s = login.getTime() / 1000;
    // The boundary: iat <= floor(login) - 60.
    expect(mayAnswerMe('player', s - 60, login, 60)).toBe(true);
    expect(mayAnswerMe('player', s - 59, login, 60)).toBe(false);
    // A second or a few before the login is within the clocks' skew: refused.
    expect(mayAnswerMe('player', s - 1, login, 60)).toBe(false);
    expect(mayAnswerMe('player', s - 600, login, 60)).toBe(true);
    // A login 700 ms into its second counts from that second.
    expect(mayAnswerMe('player', s - 60, new Date(login.getTime() + 700), 60)).toBe(true);
    expect(mayAnswerMe('player', s - 59, new Date(login.getTime() + 999), 60)).toBe(false);
    // No margin: the login's own second still may; a later one never.
    expect(mayAnswerMe('player', s, new Date(login.getTime() + 700), 0)).toBe(true);
    expect(mayAnswerMe('player', s + 1, login, 0)).toBe(false);
    expect(mayAnswerMe('player', s + 60, login, 60)).toBe(false);
    expect(mayAnswerMe('player', undefined, login, 0)).toBe(false);
    expect(mayAnswerMe('support:staff-7', s + 60, login, 60)).toBe(true);
  });
});

describe("an answer's events", () => {
  const login: AnsweredLogin = {
    loginId: 'login-1',
    accountId: 'acc-1',
    ip: '203.0.113.5',
    country: 'JP',
    homeCountry: 'KR',
    loggedInAt: NOW,
    deviceKey: null,
    asn: null,
  };
  const when = '2026-12-04T13:00:00.000Z';

  test('when an answer is published, then its ids derive from the login and the answer, so repeats are one event', () => {
    const me = loginReported(login, 'me', 'player', when);
    const notMe = loginReported(login, 'not_me', 'player', when);
    expect(me.id).toBe(followUpId('login-1', 'login.reported', 'me'));
    expect(notMe.id).not.toBe(me.id);
    expect(loginReported(login, 'me', 'player', '2026-12-05T00:00:00.000Z').id).toBe(me.id);
    expect(me).toMatchObject({
      type: 'login.reported',
      correlationid: 'login-1',
      subject: 'acc-1',
      time: when,
    });
    expect(me.data).toEqual({
      accountId: 'acc-1',
      loginEventId: 'login-1',
      ip: '203.0.113.5',
      answer: 'me',
      at: when,
      by: 'player',
      country: 'JP',
    });
  });

  test('when "not me" locks, then its lock and commands have their own ids, apart from the system lock of the login', () => {
    const locked = accountLockedByAnswer(login, 'reported by the player: not me', 'player', when);
    expect(locked.id).not.toBe(followUpId('login-1', 'account.locked'));
    expect(locked.data).toEqual({
      accountId: 'acc-1',
      reason: 'reported by the player: not me',
      by: 'player',
      at: when,
    });
    expect(sessionsRevoke(login, 'bye', when).data).toEqual({
      accountId: 'acc-1',
      reason: 'login_reported',
      message: 'bye',
    });
    expect(passwordReset(login, when).data).toEqual({ accountId: 'acc-1', reason: 'login_reported' });
    expect(feedbackUrl('https://g.example', 'tok')).toBe('https://g.example/v1/feedback/tok');
  });
});

describe('the settings of answers', () => {
  const SECRET = { AUTH_JWT_SECRET: 'x'.repeat(32) };
  test('when it is left out, set, or longer than the longest travel pass, then it is 30, taken, or refused naming it', () => {
    expect(loadAccountGuardConfig(SECRET).FEEDBACK_TRAVEL_PASS_DAYS).toBe(30);
    expect(
      loadAccountGuardConfig({ ...SECRET, FEEDBACK_TRAVEL_PASS_DAYS: '7' }).FEEDBACK_TRAVEL_PASS_DAYS,
    ).toBe(7);
    for (const bad of ['0', 'ten', '91']) {
      expect(() => loadAccountGuardConfig({ ...SECRET, FEEDBACK_TRAVEL_PASS_DAYS: bad })).toThrow(
        ConfigError,
      );
      expect(() => loadAccountGuardConfig({ ...SECRET, FEEDBACK_TRAVEL_PASS_DAYS: bad })).toThrow(
        /FEEDBACK_TRAVEL_PASS_DAYS/,
      );
    }
  });

  test('when the token age margin of "it was me" is left out, set, or negative, then it is 60, taken, or refused naming it', () => {
    expect(loadAccountGuardConfig(SECRET).FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS).toBe(60);
    for (const [text, value] of [
      ['0', 0],
      ['300', 300],
    ] as const)
      expect(
        loadAccountGuardConfig({ ...SECRET, FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS: text })
          .FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS,
      ).toBe(value);
    for (const bad of ['-1', 'soon', '1.5'])
      expect(() => loadAccountGuardConfig({ ...SECRET, FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS: bad })).toThrow(
        /FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS/,
      );
  });
});

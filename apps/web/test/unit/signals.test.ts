import type { AssessedSignal, LoginItem } from '@account-security/shared/contracts';
import {
  answerOffer,
  describeAnswer,
  describeDuration,
  describeLoginAction,
  describeResult,
  describeSignal,
  describeVerdict,
  formatNumber,
  orderedSignals,
} from '../../client/lib/signals';

const sig = (code: AssessedSignal['code'], level: AssessedSignal['level'], detail = {}): AssessedSignal => ({
  code,
  level,
  detail,
});
const say = (s: AssessedSignal, lang: 'en' | 'ko' = 'en') => describeSignal(s, lang, 'Asia/Seoul');

describe('signals in plain words', () => {
  test('when travel was impossible, then it says how long after a login where, and how far, with localized numbers', () => {
    const travel = sig('impossible_travel', 'suspicious', {
      fromCountry: 'KR',
      toCountry: 'US',
      km: 10480,
      minutes: 15,
      kmh: 41920,
    });
    expect(say(travel)).toBe('15 minutes after a login in South Korea, 10,480 km away');
    expect(say(travel, 'ko')).toBe('대한민국에서 로그인한 지 15분 만에 10,480km 떨어진 곳에서 로그인');
    expect(say({ ...travel, detail: { ...travel.detail, minutes: 1 } })).toBe(
      '1 minute after a login in South Korea, 10,480 km away',
    );
    expect(say({ ...travel, detail: { ...travel.detail, minutes: 0, kmh: null } })).toBe(
      'at the same moment as a login in South Korea, 10,480 km away',
    );
  });

  test('when the evidence is missing or of the wrong type, then the sentence still reads', () => {
    expect(say(sig('impossible_travel', 'suspicious', { km: 'far' }))).toBe(
      'at the same moment as a login in ?, ? km away',
    );
    expect(say(sig('credential_stuffing_ip', 'suspicious', {}))).toBe(
      'this address failed to sign in to 0 accounts within 1 hour',
    );
  });

  test('when devices, networks and hosting fire, then they read as new device, new network and cloud server', () => {
    expect(say(sig('new_device', 'unusual', { logins: 5 }))).toBe('new device');
    expect(say(sig('new_device', 'unusual'), 'ko')).toBe('새 기기');
    expect(say(sig('new_network', 'unusual', { asn: 4766, asOrg: 'Korea Telecom' }))).toBe(
      'new network (Korea Telecom)',
    );
    expect(say(sig('hosting_network', 'suspicious', {}))).toBe('cloud server or VPN');
    expect(say(sig('hosting_network', 'unusual', { asn: 16509, asOrg: 'Amazon.com, Inc.' }))).toBe(
      'cloud server or VPN (Amazon.com, Inc.)',
    );
  });

  test('when country signals fire, then the countries are named in the page language', () => {
    expect(say(sig('foreign_country', 'suspicious', { country: 'JP', homeCountry: 'KR' }))).toBe(
      'from Japan, neither the home country nor a trusted one',
    );
    expect(say(sig('foreign_country', 'suspicious', { country: 'JP' }), 'ko')).toBe(
      '일본에서 로그인, 거주 국가도 신뢰 국가도 아님',
    );
    expect(say(sig('trusted_country', 'info', { country: 'US' }))).toBe('United States is a trusted country');
    expect(
      say(
        sig('travel_pass', 'info', {
          country: 'JP',
          from: '2026-11-30T15:00:00.000Z',
          until: '2026-12-15T14:59:59.999Z',
        }),
      ),
    ).toBe('covered by a travel pass for Japan (Dec 1, 2026 – Dec 15, 2026)');
    expect(say(sig('country_unknown', 'info', { reason: 'private' }))).toBe('country unknown');
  });

  test('when failures and reports fire, then counts and windows are in words', () => {
    expect(say(sig('brute_force', 'suspicious', { failures: 12, windowMinutes: 60 }))).toBe(
      '12 failed attempts on the account within 1 hour before it',
    );
    expect(say(sig('credential_stuffing_ip', 'suspicious', { accounts: 1250, windowMinutes: 30 }))).toBe(
      'this address failed to sign in to 1,250 accounts within 30 minutes',
    );
    expect(say(sig('reported_ip', 'suspicious', { reportedAt: '2026-12-01T00:00:00Z', days: 30 }))).toBe(
      'this address was reported by a player in the last 30 days',
    );
    expect(say(sig('confirmed_by_player', 'info', { device: true, network: false }))).toBe(
      'device confirmed with “it was me”',
    );
    expect(say(sig('confirmed_by_player', 'info', { device: true, network: true }))).toBe(
      'device and network confirmed with “it was me”',
    );
  });

  test('when signals are listed, then suspicious ones come first, then unusual, then information', () => {
    const list = [
      sig('trusted_country', 'info'),
      sig('new_device', 'unusual'),
      sig('foreign_country', 'suspicious'),
    ];
    expect(orderedSignals(list).map((s) => s.code)).toEqual([
      'foreign_country',
      'new_device',
      'trusted_country',
    ]);
  });
});

describe('durations and numbers', () => {
  test('when a duration is described, then minutes, hours and days read naturally in both languages', () => {
    expect(describeDuration(15, 'en')).toBe('15 minutes');
    expect(describeDuration(59.6, 'en')).toBe('1 hour');
    expect(describeDuration(90, 'en')).toBe('1 h 30 min');
    expect(describeDuration(120, 'en')).toBe('2 hours');
    expect(describeDuration(90, 'ko')).toBe('1시간 30분');
    expect(describeDuration(5 * 1440, 'en')).toBe('5 days');
    expect(formatNumber(10480, 'ko')).toBe('10,480');
  });
});

describe('a login’s outcome in words', () => {
  test('when a login failed, then the result names the reason in words', () => {
    expect(describeResult({ result: 'failed', reason: 'bad_password' }, 'en')).toBe(
      'Failed attempt: wrong password',
    );
    expect(describeResult({ result: 'failed', reason: 'second_factor_failed' }, 'ko')).toBe(
      '로그인 실패: 2단계 인증 실패',
    );
    expect(describeResult({ result: 'succeeded' }, 'en')).toBe('Signed in');
  });

  test('when verdicts, actions and answers are described, then each is in the page language', () => {
    expect(describeVerdict('unusual', 'en')).toBe('Unusual');
    expect(describeVerdict('suspicious', 'ko')).toBe('의심스러움');
    expect(describeLoginAction({ type: 'notify', channel: 'email', status: 'sent' }, 'en')).toBe(
      'Notified by Email: sent',
    );
    expect(describeLoginAction({ type: 'lock', status: 'done' }, 'en')).toBe('Account locked: done');
    expect(describeLoginAction({ type: 'kick', status: 'pending' }, 'ko')).toBe('세션 종료: 대기 중');
    expect(describeAnswer('not_me', 'en', 'player')).toBe('You said: it wasn’t you');
    expect(describeAnswer('me', 'en', 'player')).toBe('You said: it was you');
    expect(describeAnswer('not_me', 'en', 'support')).toBe('Player said: it wasn’t them');
    expect(describeAnswer(null, 'en', 'player')).toBeNull();
  });
});

describe('which answers a login offers', () => {
  const login = (over: Partial<LoginItem> = {}): LoginItem => ({
    id: 'rec-1',
    loginEventId: 'evt-1',
    loggedInAt: '2026-12-03T10:00:00.000Z',
    ip: '8.8.8.8',
    country: 'US',
    client: { platform: 'windows', version: '1' },
    result: 'succeeded',
    assessment: {
      verdict: 'suspicious',
      risk: 80,
      reasons: ['foreign_country'],
      signals: [],
      actions: [],
      answer: null,
    },
    ...over,
  });
  const before = Date.parse('2026-12-03T09:00:00.000Z') / 1000;
  const after = Date.parse('2026-12-03T10:00:05.000Z') / 1000;

  test('when the token is older than the login, then both answers are buttons', () => {
    expect(answerOffer(login(), before)).toEqual({ notMe: true, me: 'button' });
  });

  test('when the token was issued after the login (or says nothing), then "it was me" points to the link', () => {
    expect(answerOffer(login(), after)).toEqual({ notMe: true, me: 'link' });
    // A minute's margin (account-guard's default FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS): the two
    // clocks need not agree. iat has whole seconds.
    const loginSecond = Date.parse('2026-12-03T10:00:00Z') / 1000;
    expect(answerOffer(login({ loggedInAt: '2026-12-03T10:00:00.900Z' }), loginSecond).me).toBe('link');
    expect(answerOffer(login(), loginSecond - 1).me).toBe('link');
    expect(answerOffer(login(), loginSecond - 59).me).toBe('link');
    expect(answerOffer(login(), loginSecond - 60).me).toBe('button');
    expect(answerOffer(login(), undefined)).toEqual({ notMe: true, me: 'link' });
  });

  test('when the login is trusted, answered, failed or not assessed, then nothing is offered', () => {
    const a = login().assessment!;
    expect(answerOffer(login({ assessment: { ...a, verdict: 'trusted' } }), before).notMe).toBe(false);
    expect(answerOffer(login({ assessment: { ...a, verdict: 'unusual' } }), before).notMe).toBe(true);
    expect(answerOffer(login({ assessment: { ...a, answer: 'me' } }), before).notMe).toBe(false);
    expect(
      answerOffer(login({ result: 'failed', reason: 'bad_password', assessment: undefined }), before).notMe,
    ).toBe(false);
    expect(answerOffer(login({ assessment: undefined }), before).notMe).toBe(false);
    // Without the login's own id there is nothing to post the answer for.
    expect(answerOffer(login({ loginEventId: undefined }), before).notMe).toBe(false);
  });
});

import { describeAction, describeActor, describeLockReason, notMeReporter } from '../../client/i18n/describe';
import { COUNTRY_CODES, countryOptions } from '../../client/lib/countries';
import { countryName, flagEmoji, isForeign } from '../../client/lib/geo';
import { maskIp } from '../../client/lib/ip';
import { formatDateTime } from '../../client/lib/time';

describe('countries', () => {
  test('when a country code is shown, then its flag is made of regional-indicator letters', () => {
    expect(flagEmoji('KR')).toBe('\u{1F1F0}\u{1F1F7}');
    expect(flagEmoji('JP')).toBe('🇯🇵');
    expect(flagEmoji('kr')).toBe('');
    expect(flagEmoji(null)).toBe('');
  });

  test('when a country is named, then the name is in the page language', () => {
    expect(countryName('JP', 'en')).toBe('Japan');
    expect(countryName('JP', 'ko')).toBe('일본');
    expect(countryName('KR', 'ko')).toBe('대한민국');
  });

  test('when a login country differs from the home country, then it is foreign; an unknown country is not', () => {
    expect(isForeign('JP', 'KR')).toBe(true);
    expect(isForeign('KR', 'KR')).toBe(false);
    expect(isForeign(null, 'KR')).toBe(false);
  });

  test('when the pickers list countries, then every code is unique and the list is sorted by localized name', () => {
    expect(new Set(COUNTRY_CODES).size).toBe(COUNTRY_CODES.length);
    expect(COUNTRY_CODES.length).toBe(249);
    const names = countryOptions('en').map((o) => o.name);
    expect(names).toEqual([...names].sort((a, b) => new Intl.Collator('en').compare(a, b)));
  });
});

describe('masking IP addresses', () => {
  test('when an IPv4 address is masked, then only its first two octets show', () => {
    expect(maskIp('211.234.10.5')).toBe('211.234.*.*');
  });

  test('when an IPv6 address is masked, then only its first three groups show', () => {
    expect(maskIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3:…');
    expect(maskIp('2001:db8::1')).toBe('2001:db8:…');
    expect(maskIp('::1')).toBe('::…');
  });

  test('when an IPv4-mapped IPv6 address is masked, then its IPv4 part is masked like IPv4', () => {
    expect(maskIp('::ffff:8.8.8.8')).toBe('::ffff:8.8.*.*');
  });
});

describe('times', () => {
  test('when a UTC timestamp is shown in Seoul, then it is nine hours later and the zone is named', () => {
    const text = formatDateTime('2026-11-21T10:15:00.000Z', 'en', 'Asia/Seoul');
    expect(text).toContain('7:15:00');
    expect(text).toContain('GMT+9');
  });

  test('when the timestamp is not a date, then it is shown as it came', () => {
    expect(formatDateTime('yesterday', 'en', 'UTC')).toBe('yesterday');
  });
});

describe('words for the services’ codes', () => {
  test('when account-guard’s lock reason names a country, then the player reads it in their language', () => {
    const reason = 'suspicious login from JP: foreign_country';
    expect(describeLockReason(reason, 'en')).toBe(
      'suspicious login from Japan (neither the home country nor a trusted one)',
    );
    expect(describeLockReason(reason, 'ko')).toBe(
      '일본에서의 의심스러운 로그인(거주 국가도 신뢰 국가도 아님)',
    );
  });

  test('when the lock came from a "not me" answer, then the reason says so and who reported it', () => {
    expect(describeLockReason('reported by the player: not me', 'en')).toBe(
      'a sign-in was reported as “not me”',
    );
    expect(describeLockReason('reported by the player: not me', 'ko')).toBe(
      '로그인이 “본인 아님”으로 신고됨',
    );
    expect(describeLockReason('reported by support:staff-9: not me', 'en')).toBe(
      'a sign-in was reported as “not me” by Support staff staff-9',
    );
    expect(notMeReporter('reported by the player: not me')).toBe('player');
    expect(notMeReporter('suspicious login from JP: foreign_country')).toBeNull();
  });

  test('when a lock reason has an unknown shape, then it is shown verbatim', () => {
    expect(describeLockReason('fraud team request', 'ko')).toBe('fraud team request');
    expect(describeLockReason(null, 'en')).toBe('—');
  });

  test('when an audit line is described, then known actions and actors are translated and unknown ones kept', () => {
    expect(describeAction('account_unlocked', 'en')).toBe('Account unlocked');
    expect(describeAction('account_unlocked', 'ko')).toBe('계정 잠금 해제');
    expect(describeAction('something_new', 'en')).toBe('something_new');
    expect(describeActor('support:staff-1', 'en')).toBe('Support staff staff-1');
    expect(describeActor('system', 'ko')).toBe('시스템');
  });
});

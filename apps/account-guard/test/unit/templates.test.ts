import {
  NoticeFacts,
  countryName,
  formatTime,
  isKnownCountry,
  maskIp,
  renderEmail,
  renderInGame,
  renderKickMessage,
  renderSms,
  renderUnlockPage,
} from '../../src/domain/templates';

const URL = 'https://guard.example/v1/unlock/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

const facts = (over: Partial<NoticeFacts> = {}): NoticeFacts => ({
  kind: 'notify',
  accountId: 'acc-42',
  country: 'JP',
  ip: '203.0.113.77',
  at: '2026-11-21T10:15:00.000Z',
  unlock: null,
  lockEnded: false,
  unlockChannels: [],
  settingsUrl: null,
  ...over,
});

const lockFacts = (over: Partial<NoticeFacts> = {}) =>
  facts({
    kind: 'lock',
    unlock: { url: URL, expiresAt: '2026-11-22T10:15:00.000Z' },
    unlockChannels: ['email', 'sms'],
    ...over,
  });

describe('formatting for notices', () => {
  test('when an IPv4 address is masked, then its last octet is hidden', () => {
    expect(maskIp('203.0.113.77')).toBe('203.0.113.xxx');
    expect(maskIp('::ffff:198.51.100.9')).toBe('::ffff:198.51.100.xxx');
  });

  test('when an IPv6 address is masked, then only its first two groups remain', () => {
    expect(maskIp('2001:db8::1')).toBe('2001:db8:…');
    expect(maskIp('2001:0db8:85a3:0000:0000:8a2e:0370:7334')).toBe('2001:db8:…');
    expect(maskIp('2001::1')).toBe('2001:0:…');
    expect(maskIp('::1')).toBe('0:0:…');
  });

  test('when a time is formatted, then English shows UTC and Korean shows Korea Standard Time', () => {
    expect(formatTime('2026-11-21T10:15:00.000Z', 'en')).toBe('2026-11-21 10:15 UTC');
    expect(formatTime('2026-11-21T20:05:00.000Z', 'ko')).toBe('2026년 11월 22일 05:05 (한국 시간)');
  });

  test('when a country is named, then it is the localised name with its code', () => {
    expect(countryName('JP', 'en')).toBe('Japan (JP)');
    expect(countryName('JP', 'ko')).toBe('일본(JP)');
    expect(countryName(null, 'en')).toBe('an unknown location');
  });

  test('when a country code is checked, then real ISO codes pass and made-up ones do not', () => {
    expect(['KR', 'JP', 'US', 'DE'].every(isKnownCountry)).toBe(true);
    expect(['XX', 'ZZ', 'kr', 'KOR', 'AA'].some(isKnownCountry)).toBe(false);
  });
});

describe('notice templates', () => {
  test.each(['notify', 'kick', 'block', 'lock'] as const)(
    'when a %s notice is rendered in English, then it says where, when, from which address and what was done',
    (kind) => {
      const mail = renderEmail(kind === 'lock' ? lockFacts() : facts({ kind }), 'en');
      expect(mail.subject).toContain('Japan (JP)');
      expect(mail.text).toContain('acc-42');
      expect(mail.text).toContain('2026-11-21 10:15 UTC');
      expect(mail.text).toContain('203.0.113.xxx');
      expect(mail.text).not.toContain('203.0.113.77');
      expect(mail.text).toMatch(
        {
          notify: /was allowed/,
          kick: /ended that session/,
          block: /refused that session/,
          lock: /locked your account/,
        }[kind],
      );
      expect(mail.text).toMatch(/change how your account is protected/);
      expect(mail.html).toContain('<p>');
    },
  );

  test.each(['notify', 'kick', 'block', 'lock'] as const)(
    'when a %s notice is rendered in Korean, then it is in Korean with the same facts',
    (kind) => {
      const mail = renderEmail(kind === 'lock' ? lockFacts() : facts({ kind }), 'ko');
      expect(mail.subject).toContain('일본(JP)');
      expect(mail.text).toContain('2026년 11월 21일 19:15 (한국 시간)');
      expect(mail.text).toContain('203.0.113.xxx');
      expect(mail.text).toMatch(
        {
          notify: /허용되었습니다/,
          kick: /접속을 즉시 종료했습니다/,
          block: /접속을 거부했습니다/,
          lock: /계정을 잠갔습니다/,
        }[kind],
      );
      expect(mail.text).toContain('보호 방식');
    },
  );

  test('when a lock notice has an unlock link, then email and SMS carry the link and its expiry and explain the confirmation step', () => {
    const en = renderEmail(lockFacts(), 'en');
    expect(en.text).toContain(URL);
    expect(en.text).toContain('valid until 2026-11-22 10:15 UTC');
    expect(en.text).toMatch(/confirmation page/);
    expect(en.html).toContain(`<a href="${URL}">`);
    expect(renderSms(lockFacts(), 'en')).toContain(URL);
    expect(renderSms(lockFacts(), 'ko')).toContain(URL);
    expect(renderEmail(lockFacts(), 'ko').text).toContain(URL);
  });

  test('when a lock notice is delivered after the lock ended, then it carries no link and says the account was unlocked', () => {
    const mail = renderEmail(lockFacts({ unlock: null, lockEnded: true }), 'en');
    expect(mail.text).toMatch(/has since been unlocked/);
    expect(mail.text).not.toContain('/v1/unlock/');
  });

  test('when the in-game lock message is rendered, then it never carries the unlock link but says where it was sent', () => {
    const text = renderInGame(lockFacts(), 'en');
    expect(text).not.toContain('/v1/unlock/');
    expect(text).toMatch(/unlock link by email and text message/);
    expect(renderInGame(lockFacts({ unlockChannels: [] }), 'en')).toMatch(/Contact support/);
    expect(renderInGame(lockFacts(), 'ko')).not.toContain('/v1/unlock/');
  });

  test('when a settings URL is configured, then notices point to it', () => {
    expect(renderEmail(facts({ settingsUrl: 'https://game.example/security' }), 'en').text).toContain(
      'https://game.example/security',
    );
  });

  test('when values contain markup, then the HTML email escapes them', () => {
    const mail = renderEmail(facts({ accountId: '<script>x</script>' }), 'en');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&#60;script&#62;');
  });

  test('when SMS and in-game notices are rendered, then they stay within their size limits', () => {
    for (const locale of ['en', 'ko'] as const) {
      for (const kind of ['notify', 'kick', 'block', 'lock'] as const) {
        const f = kind === 'lock' ? lockFacts() : facts({ kind });
        expect(renderSms(f, locale).length).toBeLessThan(400);
        expect(renderInGame(f, locale).length).toBeLessThan(2000);
      }
    }
  });

  test('when a kick message is rendered, then each reason has its own text in both languages', () => {
    for (const locale of ['en', 'ko'] as const) {
      const texts = (['foreign_login', 'region_blocked', 'account_locked'] as const).map((r) =>
        renderKickMessage(r, locale),
      );
      expect(new Set(texts).size).toBe(3);
      texts.forEach((t) => expect(t.length).toBeGreaterThan(10));
    }
    expect(renderKickMessage('account_locked', 'en')).toMatch(/locked/);
    expect(renderKickMessage('account_locked', 'ko')).toMatch(/잠겨/);
  });
});

describe('unlock pages', () => {
  test('when the confirmation page is rendered, then it has a form that posts back to the same URL', () => {
    const html = renderUnlockPage(
      { state: 'confirm', accountId: 'acc-42', lockedAt: '2026-11-21T10:15:00.000Z' },
      'en',
    );
    expect(html).toContain('<form method="post">');
    expect(html).not.toMatch(/action=/);
    expect(html).toContain('Unlock my account');
    expect(html).toContain('2026-11-21 10:15 UTC');
    expect(html).toContain('noindex');
  });

  test('when the page is rendered in Korean, then its texts and language attribute are Korean', () => {
    const html = renderUnlockPage({ state: 'confirm', accountId: 'acc-42' }, 'ko');
    expect(html).toContain('lang="ko"');
    expect(html).toContain('계정 잠금 해제');
  });

  test('when a refusal page is rendered, then it has no button', () => {
    for (const state of ['done', 'not_found', 'used', 'expired', 'not_locked', 'rate_limited'] as const) {
      expect(renderUnlockPage({ state }, 'en')).not.toContain('<form');
    }
  });

  test('when the account id contains markup, then the page escapes it', () => {
    expect(renderUnlockPage({ state: 'confirm', accountId: '"><img src=x>' }, 'en')).not.toContain('<img');
  });
});

describe('the new sign-in notice (SPEC §7)', () => {
  const f = facts({ kind: 'new_sign_in', news: ['device', 'network'] });
  test('in English, every channel says what was new in plain words', () => {
    expect(renderEmail(f, 'en').subject).toMatch(/^New sign-in/);
    expect(renderEmail(f, 'en').text).toContain(
      'from a device and a network this account has not used before',
    );
    expect(renderSms(f, 'en')).toContain('a device and a network this account has not used before');
    expect(renderInGame(f, 'en')).toContain('a device and a network');
  });
  test('in Korean too', () => {
    expect(renderEmail(f, 'ko').text).toContain('처음 쓰인 기기·네트워크');
    expect(renderSms(f, 'ko')).toContain('기기·네트워크');
    expect(renderInGame(f, 'ko')).toContain('기기·네트워크');
  });
  test('without a list of what was new, it still reads', () => {
    expect(renderEmail(facts({ kind: 'new_sign_in' }), 'en').text).toContain(
      'does not look like your usual sign-ins',
    );
  });
});

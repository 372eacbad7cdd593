import { NO_PENDING, changesBetween, loweringOf, resolveContacts } from '../../src/domain/settings';
import {
  renderChangeEmail,
  renderChangeInGame,
  renderChangeSms,
  renderContactPage,
  renderVerifyEmail,
  renderVerifySms,
} from '../../src/domain/templates';
import type { ProtectionSettings } from '../../src/domain/types';

const base: ProtectionSettings = {
  policy: 'block',
  channels: ['email', 'in_game'],
  email: 'old@example.com',
  phone: '+821012345678',
  trustedCountries: ['JP'],
  locale: 'en',
};
const now = new Date('2026-12-01T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const player = { byPlayer: true };

describe('what lowers protection', () => {
  test.each([
    ['none', 'notify'],
    ['notify', 'kick'],
    ['kick', 'block'],
    ['block', 'lock'],
    ['none', 'lock'],
  ] as const)('when the policy goes from %s up to %s, then nothing is lowered', (from, to) => {
    expect(loweringOf({ ...base, policy: from }, { ...base, policy: to })).toEqual([]);
  });

  test.each([
    ['lock', 'block'],
    ['block', 'kick'],
    ['kick', 'notify'],
    ['notify', 'none'],
    ['lock', 'none'],
  ] as const)('when the policy goes from %s down to %s, then it is a weaker policy', (from, to) => {
    expect(loweringOf({ ...base, policy: from }, { ...base, policy: to })).toEqual(['policy_weaker']);
  });

  test('when a channel is removed, added, or a trusted country is added or removed, then only removing a channel and adding a country lower it', () => {
    expect(loweringOf(base, { ...base, channels: ['email'] })).toEqual(['channel_removed']);
    expect(loweringOf(base, { ...base, channels: ['email', 'in_game', 'sms'] })).toEqual([]);
    expect(loweringOf(base, { ...base, trustedCountries: ['JP', 'US'] })).toEqual(['trusted_country_added']);
    expect(loweringOf(base, { ...base, trustedCountries: [] })).toEqual([]);
  });

  test('when a contact on file is cleared, then it is lowered; a replaced one is not', () => {
    expect(loweringOf(base, { ...base, phone: null })).toEqual(['contact_removed']);
    expect(loweringOf(base, { ...base, email: 'new@example.com' })).toEqual([]);
  });

  test('when everything is lowered at once, then every reason is named', () => {
    expect(
      loweringOf(base, { ...base, policy: 'none', channels: [], trustedCountries: ['US'], email: null }),
    ).toEqual(['policy_weaker', 'channel_removed', 'trusted_country_added', 'contact_removed']);
  });

  test('when the language alone changes, then nothing is lowered', () => {
    expect(loweringOf(base, { ...base, locale: 'ko' })).toEqual([]);
  });
});

describe('which contacts wait for verification', () => {
  const before = { settings: base, pending: NO_PENDING };

  test('when a player replaces the email, then the old one stays in use and the new one waits for a link', () => {
    const r = resolveContacts(before, { ...base, email: 'new@example.com' }, player, now, DAY);
    expect(r.settings.email).toBe('old@example.com');
    expect(r.pending).toMatchObject({ email: 'new@example.com', emailSince: now, phone: null });
    expect(r.verify).toEqual(['email']);
  });

  test('when a player replaces the phone, then it waits likewise', () => {
    const r = resolveContacts(before, { ...base, phone: '+821099999999' }, player, now, DAY);
    expect(r.settings.phone).toBe('+821012345678');
    expect(r.pending.phone).toBe('+821099999999');
    expect(r.verify).toEqual(['phone']);
  });

  test('when there was no contact of that kind, or support sets it, then it is used at once', () => {
    const none = { settings: { ...base, email: null, phone: null }, pending: NO_PENDING };
    const first = resolveContacts(none, { ...base, email: 'a@example.com' }, player, now, DAY);
    expect(first.settings.email).toBe('a@example.com');
    expect(first.verify).toEqual([]);
    const bySupport = resolveContacts(
      before,
      { ...base, email: 'b@example.com' },
      { byPlayer: false },
      now,
      DAY,
    );
    expect(bySupport.settings.email).toBe('b@example.com');
    expect(bySupport.pending.email).toBeNull();
  });

  test('when the new email is the one the token vouches for (any case), then it is used at once', () => {
    const r = resolveContacts(
      before,
      { ...base, email: 'Me@Example.com' },
      { byPlayer: true, verifiedEmail: 'me@example.com' },
      now,
      DAY,
    );
    expect(r.settings.email).toBe('Me@Example.com');
    expect(r.verify).toEqual([]);
  });

  test('when the pending address is asked for again, then no new link goes out until the last one expired', () => {
    const pending = {
      ...NO_PENDING,
      email: 'new@example.com',
      emailSince: new Date(now.getTime() - 3600_000),
    };
    const again = resolveContacts(
      { settings: base, pending },
      { ...base, email: 'new@example.com' },
      player,
      now,
      DAY,
    );
    expect(again.verify).toEqual([]);
    expect(again.pending.emailSince).toEqual(pending.emailSince);
    const later = new Date(now.getTime() + DAY);
    const expired = resolveContacts(
      { settings: base, pending },
      { ...base, email: 'new@example.com' },
      player,
      later,
      DAY,
    );
    expect(expired.verify).toEqual(['email']);
    expect(expired.pending.emailSince).toEqual(later);
  });

  test('when the address in use is asked for again, then the pending one is cancelled', () => {
    const pending = { ...NO_PENDING, email: 'new@example.com', emailSince: now };
    const r = resolveContacts({ settings: base, pending }, base, player, now, DAY);
    expect(r.pending.email).toBeNull();
    expect(r.settings.email).toBe('old@example.com');
  });
});

describe('the change notice', () => {
  const before = { settings: base, pending: NO_PENDING };
  const after = resolveContacts(
    before,
    {
      ...base,
      policy: 'none',
      channels: ['email', 'sms'],
      email: 'new@example.com',
      trustedCountries: ['JP', 'US'],
    },
    player,
    now,
    DAY,
  );
  const changes = changesBetween(before, after);
  const facts = {
    kind: 'settings_changed' as const,
    accountId: 'acc-1',
    at: now.toISOString(),
    changes,
    settingsUrl: null,
  };

  test('when settings change, then each change is listed, contacts masked and a pending one marked', () => {
    expect(changes).toEqual([
      { field: 'policy', from: 'block', to: 'none' },
      { field: 'channels', added: ['sms'], removed: ['in_game'] },
      { field: 'email', to: 'n***@example.com', pending: true },
      { field: 'trustedCountries', added: ['US'], removed: [] },
    ]);
  });

  test('when it is rendered in English, then it says what changed and what to do if it was not the player', () => {
    const mail = renderChangeEmail(facts, 'en');
    expect(mail.subject).toBe('Your account protection settings were changed');
    expect(mail.text).toContain('from "notify and block other countries" to "do nothing"');
    expect(mail.text).toContain('no longer by in-game message');
    expect(mail.text).toContain('n***@example.com was asked for');
    expect(mail.text).toContain('United States (US)');
    expect(mail.text).toContain('change it now and contact support');
    expect(mail.text).not.toContain('new@example.com');
    expect(renderChangeSms(facts, 'en')).toContain('protection settings of acc-1 were changed');
    expect(renderChangeInGame(facts, 'en')).toContain("this account's protection settings were changed");
  });

  test('when it is rendered in Korean, then it is in Korean with Korean time', () => {
    const mail = renderChangeEmail(facts, 'ko');
    expect(mail.subject).toBe('계정 보호 설정이 변경되었습니다');
    expect(mail.text).toContain('"알림 및 다른 국가 차단"에서 "아무것도 하지 않음"');
    expect(mail.text).toContain('(한국 시간)');
    expect(renderChangeSms(facts, 'ko')).toContain('보호 설정이 변경되었습니다');
  });
});

describe('the verification message and page', () => {
  const facts = {
    kind: 'verify_contact' as const,
    accountId: 'acc-1',
    contact: 'email' as const,
    verify: { url: 'https://guard.example/v1/contacts/verify/abc', expiresAt: '2026-12-02T12:00:00Z' },
  };

  test('when a link is sent, then email and SMS carry it with its expiry', () => {
    const mail = renderVerifyEmail(facts, 'en');
    expect(mail.text).toContain('https://guard.example/v1/contacts/verify/abc');
    expect(mail.text).toContain('2026-12-02 12:00 UTC');
    expect(mail.html).toContain('href="https://guard.example/v1/contacts/verify/abc"');
    expect(renderVerifySms({ ...facts, contact: 'phone' }, 'ko')).toContain(
      'https://guard.example/v1/contacts/verify/abc',
    );
  });

  test('when the confirmation page is shown, then its button posts back and the address is escaped', () => {
    const page = renderContactPage({ state: 'confirm', accountId: 'acc-1', address: '<b>@x' }, 'en');
    expect(page).toContain('<form method="post">');
    expect(page).toContain('&#60;b&#62;@x');
    expect(renderContactPage({ state: 'superseded' }, 'ko')).not.toContain('<form');
  });
});

describe('travel passes and protection (SPEC §8)', () => {
  const pass = { country: 'US', from: '2026-12-01T00:00:00.000Z', until: '2026-12-10T00:00:00.000Z' };
  test('when a pass is added or widened, then protection is lowered like adding a trusted country', () => {
    expect(loweringOf(base, { ...base, travelPasses: [pass] })).toEqual(['travel_pass_added']);
    const withPass = { ...base, travelPasses: [pass] };
    expect(
      loweringOf(withPass, { ...base, travelPasses: [{ ...pass, until: '2026-12-11T00:00:00.000Z' }] }),
    ).toEqual(['travel_pass_added']);
    expect(loweringOf(withPass, { ...base, travelPasses: [{ ...pass, country: 'JP' }] })).toEqual([
      'travel_pass_added',
    ]);
  });
  test('when a pass is removed, kept or shortened, then nothing is lowered', () => {
    const withPass = { ...base, travelPasses: [pass] };
    expect(loweringOf(withPass, { ...base, travelPasses: [] })).toEqual([]);
    expect(loweringOf(withPass, withPass)).toEqual([]);
    expect(
      loweringOf(withPass, { ...base, travelPasses: [{ ...pass, until: '2026-12-05T00:00:00.000Z' }] }),
    ).toEqual([]);
  });
  test('the change notice lists passes added and removed', () => {
    const before = { settings: { ...base, travelPasses: [] }, pending: NO_PENDING };
    const after = { settings: { ...base, travelPasses: [pass] }, pending: NO_PENDING };
    expect(changesBetween(before, after)).toEqual([{ field: 'travelPasses', added: [pass], removed: [] }]);
    expect(changesBetween(after, before)).toEqual([{ field: 'travelPasses', added: [], removed: [pass] }]);
  });
});

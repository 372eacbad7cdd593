import { LANGS, catalogues, en, format, pickLang, translate } from '../../client/i18n/messages';
import { DEFAULT_HOME_COUNTRY, loadHomeCountry, loadLang } from '../../client/lib/prefs';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogue', () => {
  test('when a message is translated, then every language has it with the same placeholders', () => {
    for (const lang of LANGS) {
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        expect(catalogues[lang][key].trim()).not.toBe('');
        expect([lang, key, placeholders(catalogues[lang][key])]).toEqual([lang, key, placeholders(en[key])]);
      }
    }
  });

  test('when placeholders are filled, then known ones are replaced and unknown ones stay visible', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(translate('ko', 'accountHeading', { id: 'acc-1' })).toBe('계정 acc-1');
  });

  test('when the browser prefers Korean, then Korean is picked; an unsupported language falls back to English', () => {
    expect(pickLang(['ko-KR', 'en-US'])).toBe('ko');
    expect(pickLang(['fr-FR', 'en'])).toBe('en');
    expect(pickLang(['de'])).toBe('en');
  });
});

describe('page settings', () => {
  const store = (values: Record<string, string>) => ({
    getItem: (k: string) => values[k] ?? null,
    setItem: () => undefined,
    removeItem: () => undefined,
  });

  test('when nothing is saved, then the home country is KR and the language follows the browser', () => {
    expect(DEFAULT_HOME_COUNTRY).toBe('KR');
    expect(loadHomeCountry(store({}))).toBe('KR');
    expect(loadLang(store({}), ['ko'])).toBe('ko');
  });

  test('when settings were saved, then they win; a garbled saved value is ignored', () => {
    expect(loadHomeCountry(store({ 'account-security.home-country': 'JP' }))).toBe('JP');
    expect(loadHomeCountry(store({ 'account-security.home-country': 'japan' }))).toBe('KR');
    expect(loadLang(store({ 'account-security.lang': 'en' }), ['ko'])).toBe('en');
    expect(loadLang(store({ 'account-security.lang': 'xx' }), ['ko'])).toBe('ko');
  });
});

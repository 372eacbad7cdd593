import { isCountryCode } from './geo';
import type { KeyValueStore } from './token-source';
import { Lang, isLang, pickLang } from '../i18n/messages';

/** Page settings that outlive the tab (unlike the token): language and home country. */
const LANG_KEY = 'account-security.lang';
const HOME_KEY = 'account-security.home-country';
export const DEFAULT_HOME_COUNTRY = 'KR';

export function loadLang(store: KeyValueStore, preferred: readonly string[]): Lang {
  const saved = store.getItem(LANG_KEY);
  return isLang(saved) ? saved : pickLang(preferred);
}

export const saveLang = (store: KeyValueStore, lang: Lang) => store.setItem(LANG_KEY, lang);

export function loadHomeCountry(store: KeyValueStore): string {
  const saved = store.getItem(HOME_KEY);
  return saved && isCountryCode(saved) ? saved : DEFAULT_HOME_COUNTRY;
}

export const saveHomeCountry = (store: KeyValueStore, country: string) => store.setItem(HOME_KEY, country);

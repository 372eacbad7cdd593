/** Country display without a library: names from Intl.DisplayNames, flags from regional indicators. */
import { countryCode } from '@account-security/shared/contracts';

const REGIONAL_INDICATOR_A = 0x1f1e6;

/** 'KR' → 🇰🇷; '' for anything that is not an alpha-2 code. */
export function flagEmoji(country: string | null | undefined): string {
  if (!country || !isCountryCode(country)) return '';
  return String.fromCodePoint(...[...country].map((c) => REGIONAL_INDICATOR_A + c.charCodeAt(0) - 65));
}

const namers = new Map<string, Intl.DisplayNames>();

/** The country's name in `locale` ('KR' → 'South Korea' / '대한민국'); the code itself if unknown. */
export function countryName(country: string, locale: string): string {
  let namer = namers.get(locale);
  if (!namer) {
    namer = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    namers.set(locale, namer);
  }
  try {
    return namer.of(country) ?? country;
  } catch {
    return country;
  }
}

/** A login is foreign when its country is known and differs from the home country. */
export const isForeign = (country: string | null | undefined, home: string) => !!country && country !== home;

export const isCountryCode = (value: string) => countryCode.safeParse(value).success;

import type { Locale } from '../types';

/**
 * Enough of the address for the owner to recognise their own network, not enough to pinpoint a
 * host: 203.0.113.xxx, 2001:db8:…
 */
export function maskIp(ip: string): string {
  const v4 = /^(.*?)(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}${v4[2]}.xxx`; // also ::ffff:1.2.3.4
  if (!ip.includes(':')) return 'xxx';
  const [head = '', tail] = ip.toLowerCase().split('::');
  const groups = head === '' ? [] : head.split(':');
  if (tail !== undefined) while (groups.length < 2) groups.push('0');
  return `${groups
    .slice(0, 2)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}:…`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** English notices use UTC, Korean ones Korea Standard Time (UTC+9, no daylight saving). */
export function formatTime(iso: string, locale: Locale): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  if (locale === 'ko') {
    const k = new Date(t.getTime() + 9 * 3600 * 1000);
    return `${k.getUTCFullYear()}년 ${k.getUTCMonth() + 1}월 ${k.getUTCDate()}일 ${pad(k.getUTCHours())}:${pad(k.getUTCMinutes())} (한국 시간)`;
  }
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())} UTC`;
}

const regionNames: Partial<Record<Locale, Intl.DisplayNames>> = {};

/** "Japan (JP)" / "일본(JP)"; the bare code when the runtime has no name for it. */
export function countryName(code: string | null, locale: Locale): string {
  if (code === null) return locale === 'ko' ? '알 수 없는 지역' : 'an unknown location';
  let name: string | undefined;
  try {
    regionNames[locale] ??= new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    name = regionNames[locale]!.of(code);
  } catch {
    name = undefined;
  }
  if (!name || name === code) return code;
  return locale === 'ko' ? `${name}(${code})` : `${name} (${code})`;
}

/** Whether `code` is a region the runtime knows (keeps typos like "XX" out of trusted countries). */
export function isKnownCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || code === 'ZZ') return false;
  try {
    regionNames.en ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const name = regionNames.en.of(code);
    return name !== undefined && name !== code;
  } catch {
    return false;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The browser's time zone, e.g. 'Asia/Seoul'. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A timestamp in the given locale and time zone, with the zone named so nobody has to guess. */
export function formatDateTime(iso: string, locale: string, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(key, f);
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : f.format(d);
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of a timestamp in the given zone, e.g. 'Dec 1, 2026' / '2026년 12월 1일'. */
export function formatDay(iso: string, locale: string, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let f = dayFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'short', day: 'numeric' });
    dayFormatters.set(key, f);
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : f.format(d);
}

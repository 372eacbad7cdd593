/**
 * A login's outcome in words (SPEC §7, §8): its result, verdict, actions, signals and the
 * player's answer. Pure functions of the API's values and the page language, so the phrasing
 * is tested without a browser. A signal's `detail` is the evidence account-guard recorded
 * (apps/account-guard/src/domain/signals); each field is checked before it is used, and a
 * missing one leaves the plainer sentence.
 */
import type { AssessedSignal, LoginItem } from '@account-security/shared/contracts';
import { Lang, MessageKey, en, translate } from '../i18n/messages';
import { countryName } from './geo';
import { formatDay } from './time';

type Detail = Record<string, unknown>;
const num = (d: Detail, k: string): number | undefined =>
  typeof d[k] === 'number' && Number.isFinite(d[k]) ? (d[k] as number) : undefined;
const str = (d: Detail, k: string): string | undefined =>
  typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : undefined;
const isKey = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(en, key);

const numberFormats = new Map<string, Intl.NumberFormat>();
/** 10480 → '10,480' (both languages group by thousands). */
export function formatNumber(n: number, lang: Lang): string {
  let f = numberFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
    numberFormats.set(lang, f);
  }
  return f.format(n);
}

/** 15 → '15 minutes'; 90 → '1 h 30 min'; 3 days and more in days. */
export function describeDuration(minutes: number, lang: Lang): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) {
    return m === 1 ? translate(lang, 'duration_minute') : translate(lang, 'duration_minutes', { n: m });
  }
  if (m < 72 * 60) {
    const h = Math.floor(m / 60);
    const rest = m % 60;
    if (rest) return translate(lang, 'duration_hoursMinutes', { h: formatNumber(h, lang), m: rest });
    return h === 1 ? translate(lang, 'duration_hour') : translate(lang, 'duration_hours', { n: h });
  }
  return translate(lang, 'duration_days', { n: formatNumber(Math.round(m / 1440), lang) });
}

const place = (code: string | undefined, lang: Lang) => (code ? countryName(code, lang) : '?');

/** One signal as a phrase: 'new device', '15 minutes after a login in South Korea, 10,480 km away'. */
export function describeSignal(signal: AssessedSignal, lang: Lang, timeZone: string): string {
  const d: Detail = signal.detail ?? {};
  switch (signal.code) {
    case 'foreign_country':
      return translate(lang, 'signal_foreign_country', { country: place(str(d, 'country'), lang) });
    case 'trusted_country':
      return translate(lang, 'signal_trusted_country', { country: place(str(d, 'country'), lang) });
    case 'travel_pass': {
      const from = str(d, 'from');
      const until = str(d, 'until');
      return translate(lang, 'signal_travel_pass', {
        country: place(str(d, 'country'), lang),
        from: from ? formatDay(from, lang, timeZone) : '?',
        until: until ? formatDay(until, lang, timeZone) : '?',
      });
    }
    case 'country_unknown':
      return translate(lang, 'signal_country_unknown');
    case 'impossible_travel': {
      const km = num(d, 'km');
      const minutes = num(d, 'minutes');
      const params = {
        from: place(str(d, 'fromCountry'), lang),
        km: km === undefined ? '?' : formatNumber(km, lang),
      };
      return minutes === undefined || Math.round(minutes) === 0
        ? translate(lang, 'signal_impossible_travel_same', params)
        : translate(lang, 'signal_impossible_travel', {
            ...params,
            duration: describeDuration(minutes, lang),
          });
    }
    case 'new_device':
      return translate(lang, 'signal_new_device');
    case 'new_network':
    case 'hosting_network': {
      const org = str(d, 'asOrg');
      return org
        ? translate(lang, `signal_${signal.code}_org`, { org })
        : translate(lang, `signal_${signal.code}`);
    }
    case 'credential_stuffing_ip':
      return translate(lang, 'signal_credential_stuffing_ip', {
        n: formatNumber(num(d, 'accounts') ?? 0, lang),
        minutes: describeDuration(num(d, 'windowMinutes') ?? 60, lang),
      });
    case 'brute_force':
      return translate(lang, 'signal_brute_force', {
        n: formatNumber(num(d, 'failures') ?? 0, lang),
        minutes: describeDuration(num(d, 'windowMinutes') ?? 60, lang),
      });
    case 'reported_ip':
      return translate(lang, 'signal_reported_ip', { days: formatNumber(num(d, 'days') ?? 30, lang) });
    case 'confirmed_by_player': {
      const device = d.device === true;
      const network = d.network === true;
      if (device && network) return translate(lang, 'signal_confirmed_both');
      return translate(lang, network ? 'signal_confirmed_network' : 'signal_confirmed_device');
    }
    default:
      return translate(lang, 'signal_other', { code: String((signal as { code: unknown }).code) });
  }
}

/** The signals worth a sentence, most serious first (the API's order within a level). */
export function orderedSignals(signals: readonly AssessedSignal[]): AssessedSignal[] {
  const rank = { suspicious: 0, unusual: 1, info: 2 } as const;
  return [...signals].sort((a, b) => (rank[a.level] ?? 3) - (rank[b.level] ?? 3));
}

/** 'Failed attempt: wrong password' or 'Signed in'. */
export function describeResult(item: Pick<LoginItem, 'result' | 'reason'>, lang: Lang): string {
  if (item.result !== 'failed') return translate(lang, 'result_succeeded');
  const reasonKey = `failure_${item.reason ?? 'other'}`;
  const reason = isKey(reasonKey) ? translate(lang, reasonKey) : (item.reason ?? '');
  return `${translate(lang, 'result_failed')}: ${reason}`;
}

export function describeVerdict(verdict: string, lang: Lang): string {
  const key = `verdict_${verdict}`;
  return isKey(key) ? translate(lang, key) : verdict;
}

/** 'Notified by Email: sent', 'Session ended: done'. */
export function describeLoginAction(
  action: { type: string; channel?: string; status: string },
  lang: Lang,
): string {
  const typeKey = `actionType_${action.type}`;
  const statusKey = `actionStatus_${action.status}`;
  const channelKey = `channel_${action.channel}`;
  const params = {
    action: isKey(typeKey) ? translate(lang, typeKey) : action.type,
    status: isKey(statusKey) ? translate(lang, statusKey) : action.status,
  };
  if (!action.channel) return translate(lang, 'actionPlain', params);
  return translate(lang, 'actionOn', {
    ...params,
    channel: isKey(channelKey) ? translate(lang, channelKey) : action.channel,
  });
}

/** Whose answer it is decides the words: the player reads "You said", support "Player said". */
export function describeAnswer(
  answer: 'me' | 'not_me' | null | undefined,
  lang: Lang,
  reader: 'player' | 'support',
): string | null {
  if (!answer) return null;
  if (reader === 'player') return translate(lang, answer === 'me' ? 'answerYouMe' : 'answerYouNotMe');
  return translate(lang, answer === 'me' ? 'answerPlayerMe' : 'answerPlayerNotMe');
}

/** Which answer buttons a login offers the signed-in player (SPEC §8). */
export type AnswerOffer = { notMe: boolean; me: 'button' | 'link' | null };

/**
 * How long before a login the page's token must have been issued for "it was me" (account-guard's
 * `FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS`, default 60: the identity provider's and the login server's
 * clocks need not agree). A deployment with another margin still answers a 403, which the page
 * explains.
 */
export const ME_MIN_TOKEN_AGE_SECONDS = 60;

/**
 * An unanswered `unusual` or `suspicious` login can be reported "not me"; "me" needs a token
 * issued well before the login (else the person who just logged in could vouch for themselves),
 * so a newer token is pointed to the emailed link. Tokens without `iat` count as newer. A login
 * without `loginEventId` (recorded before history items had it) cannot be named to the feedback
 * route.
 */
export function answerOffer(
  item: Pick<LoginItem, 'result' | 'loggedInAt' | 'assessment' | 'loginEventId'>,
  tokenIssuedAt: number | undefined,
): AnswerOffer {
  const a = item.assessment;
  if (item.result === 'failed' || !item.loginEventId || !a || a.answer || a.verdict === 'trusted') {
    return { notMe: false, me: null };
  }
  const loginSecond = Math.floor(Date.parse(item.loggedInAt) / 1000);
  const before = tokenIssuedAt !== undefined && tokenIssuedAt <= loginSecond - ME_MIN_TOKEN_AGE_SECONDS;
  return { notMe: true, me: before ? 'button' : 'link' };
}

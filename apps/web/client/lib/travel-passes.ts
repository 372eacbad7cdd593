/**
 * SPEC §8 travel passes as the form edits them: whole days in the player's own time zone, from
 * the start of the first day to the end of the last (the API's window is inclusive). The checks
 * mirror account-guard's (at most 10 passes, each at most TRAVEL_PASS_MAX_DAYS = 90 days long,
 * until after from), so the player hears about a mistake before saving; the server still decides.
 */
import type { TravelPassView } from '@account-security/shared/contracts';
import type { MessageKey } from '../i18n/messages';
import { isCountryCode } from './geo';

export const MAX_TRAVEL_PASSES = 10;
export const TRAVEL_PASS_MAX_DAYS = 90;
const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function localDay(day: string, endOfDay: boolean): Date | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = endOfDay ? new Date(y, mo - 1, d, 23, 59, 59, 999) : new Date(y, mo - 1, d, 0, 0, 0, 0);
  // 2026-02-31 rolls over to March: not a day anyone picked.
  return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d ? date : null;
}

/** '2026-12-01' → the instant that day begins here, as ISO UTC. */
export const dayStartIso = (day: string) => localDay(day, false)?.toISOString() ?? null;
/** '2026-12-15' → the last millisecond of that day here, as ISO UTC. */
export const dayEndIso = (day: string) => localDay(day, true)?.toISOString() ?? null;

/** An instant as the local calendar day, 'YYYY-MM-DD' (what a date input holds). */
export function isoToDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export interface TravelPassDraft {
  country: string;
  /** 'YYYY-MM-DD' from a date input, or '' when left empty. */
  from: string;
  until: string;
}

export type DraftField = 'country' | 'from' | 'until' | 'list';
export interface DraftProblem {
  field: DraftField;
  key: MessageKey;
  params?: Record<string, number>;
}

/** Every problem with a pass about to be added next to `existing`, each naming its field. */
export function checkTravelPass(
  draft: TravelPassDraft,
  existing: readonly TravelPassView[],
  maxDays = TRAVEL_PASS_MAX_DAYS,
): DraftProblem[] {
  if (existing.length >= MAX_TRAVEL_PASSES) {
    return [{ field: 'list', key: 'travelErrMax', params: { max: MAX_TRAVEL_PASSES } }];
  }
  const problems: DraftProblem[] = [];
  if (!isCountryCode(draft.country)) problems.push({ field: 'country', key: 'travelErrCountry' });
  const from = dayStartIso(draft.from);
  const until = dayEndIso(draft.until);
  if (!from) problems.push({ field: 'from', key: 'travelErrFrom' });
  if (!until) problems.push({ field: 'until', key: 'travelErrUntil' });
  if (from && until) {
    const ms = Date.parse(until) - Date.parse(from);
    if (ms <= 0) problems.push({ field: 'until', key: 'travelErrOrder' });
    else if (ms > maxDays * DAY_MS)
      problems.push({ field: 'until', key: 'travelErrLength', params: { days: maxDays } });
  }
  return problems;
}

/** The pass the API takes, for a draft checkTravelPass found nothing wrong with. */
export function toTravelPass(draft: TravelPassDraft): TravelPassView {
  return { country: draft.country, from: dayStartIso(draft.from)!, until: dayEndIso(draft.until)! };
}

export type PassState = 'active' | 'upcoming' | 'ended';
export function travelPassState(pass: TravelPassView, now = Date.now()): PassState {
  if (Date.parse(pass.until) < now) return 'ended';
  return Date.parse(pass.from) > now ? 'upcoming' : 'active';
}

/** Which pass and field a server 400 names (`body.travelPasses.1.until: must be after from`). */
export interface PassRefusal {
  /** 0-based; null when the list as a whole was refused (too many). */
  index: number | null;
  field: 'country' | 'from' | 'until' | null;
  problem: string;
}

export function travelPassRefusal(message: string): PassRefusal | null {
  const m = /^body\.travelPasses(?:\.(\d+)(?:\.(country|from|until))?)?: (.+)$/s.exec(message);
  if (!m) return null;
  return {
    index: m[1] === undefined ? null : Number(m[1]),
    field: (m[2] as PassRefusal['field'] | undefined) ?? null,
    problem: m[3]!,
  };
}

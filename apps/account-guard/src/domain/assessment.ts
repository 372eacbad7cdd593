import {
  DEFAULT_SIGNALS,
  DEFAULT_THRESHOLDS,
  SignalFn,
  SignalThresholds,
  hasHistory,
  riskScore,
} from './signals';
import type { Assessment, FiredSignal, LoginFacts, ProtectionSettings } from './types';

export type { SignalFn } from './signals';

/** The reasons' notes as before SPEC §7: info signals keep their old spelling. */
function noteOf(s: FiredSignal): string {
  return s.code === 'country_unknown' ? `country_unknown:${String(s.detail.reason)}` : s.code;
}

/**
 * SPEC §7's verdict: suspicious if any signal is, else unusual if any signal is or the risk is
 * at or above the threshold (only for accounts with enough history), else trusted.
 */
export function assessLogin(
  login: LoginFacts,
  settings: ProtectionSettings,
  thresholds: SignalThresholds = DEFAULT_THRESHOLDS,
  signalFns: readonly SignalFn[] = DEFAULT_SIGNALS,
): Assessment {
  const signals: FiredSignal[] = [];
  for (const fn of signalFns) {
    const s = fn(login, settings, thresholds);
    if (s && !signals.some((x) => x.code === s.code)) signals.push(s);
  }
  const risk = riskScore(login.history);
  const of = (level: FiredSignal['level']) => signals.filter((s) => s.level === level);
  const reasons = [
    ...of('suspicious').map((s) => s.code),
    ...of('unusual').map((s) => s.code),
    ...of('info').map(noteOf),
  ];
  const verdict =
    of('suspicious').length > 0
      ? 'suspicious'
      : of('unusual').length > 0 || (risk >= thresholds.riskUnusualThreshold && hasHistory(login, thresholds))
        ? 'unusual'
        : 'trusted';
  return { verdict, reasons, risk, signals };
}

/** What was new about a login, in the words a new sign-in notice uses. */
export type NewThing = 'device' | 'network' | 'place';

export function whatWasNew(login: LoginFacts): NewThing[] {
  const h = login.history;
  if (!h?.features || !h.logins) return [];
  const out: NewThing[] = [];
  // What the player confirmed with "it was me" (SPEC §8) is not new to them.
  if (h.features.device?.account === 0 && !login.answers?.knownDevice) out.push('device');
  if (h.features.asn?.account === 0 && !login.answers?.knownNetwork) out.push('network');
  if (h.features.country?.account === 0) out.push('place');
  return out;
}

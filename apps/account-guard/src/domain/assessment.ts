import type { Assessment, LoginFacts, ProtectionSettings } from './types';

/**
 * One independent signal about a login. `suspicious` reasons make the login suspicious; `notes`
 * are recorded with the verdict but change nothing. New signals (new device, impossible travel,
 * anonymous networks) are new functions in `DEFAULT_SIGNALS`; they may need more facts, which
 * then join `LoginFacts`, but the transport and the policy stay as they are.
 */
export interface SignalResult {
  suspicious?: string[];
  notes?: string[];
}
export type Signal = (login: LoginFacts, settings: ProtectionSettings) => SignalResult;

/** SPEC §4: suspicious when the country is known and neither home nor trusted. */
export const countrySignal: Signal = (login, settings) => {
  if (login.country === null)
    return { notes: [`country_unknown:${login.countryUnknownReason ?? 'unknown'}`] };
  if (login.country === login.homeCountry) return {};
  if (settings.trustedCountries.includes(login.country)) return { notes: ['trusted_country'] };
  return { suspicious: ['foreign_country'] };
};

export const DEFAULT_SIGNALS: readonly Signal[] = [countrySignal];

export function assessLogin(
  login: LoginFacts,
  settings: ProtectionSettings,
  signals: readonly Signal[] = DEFAULT_SIGNALS,
): Assessment {
  const suspicious: string[] = [];
  const notes: string[] = [];
  for (const signal of signals) {
    const r = signal(login, settings);
    for (const s of r.suspicious ?? []) if (!suspicious.includes(s)) suspicious.push(s);
    for (const n of r.notes ?? []) if (!notes.includes(n)) notes.push(n);
  }
  return { verdict: suspicious.length > 0 ? 'suspicious' : 'trusted', reasons: [...suspicious, ...notes] };
}

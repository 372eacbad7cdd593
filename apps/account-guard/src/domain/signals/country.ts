import type { LoginFacts, ProtectionSettings, TravelPass } from '../types';
import type { SignalFn } from './signal';

/** The travel pass covering the login's country at its time, if any (both ends inclusive). */
export function activeTravelPass(
  login: Pick<LoginFacts, 'country' | 'at'>,
  settings: Pick<ProtectionSettings, 'travelPasses'>,
): TravelPass | undefined {
  if (login.country === null) return undefined;
  const at = Date.parse(login.at);
  return (settings.travelPasses ?? []).find(
    (p) => p.country === login.country && Date.parse(p.from) <= at && at <= Date.parse(p.until),
  );
}

/** No country (private, reserved, not found): noted, changes nothing. */
export const countryUnknownSignal: SignalFn = (login) =>
  login.country === null
    ? { code: 'country_unknown', level: 'info', detail: { reason: login.countryUnknownReason ?? 'unknown' } }
    : null;

const abroad = (login: LoginFacts): login is LoginFacts & { country: string } =>
  login.country !== null && login.country !== login.homeCountry;

/** Abroad, in one of the account's trusted countries. */
export const trustedCountrySignal: SignalFn = (login, settings) =>
  abroad(login) && settings.trustedCountries.includes(login.country)
    ? { code: 'trusted_country', level: 'info', detail: { country: login.country } }
    : null;

/** Abroad, not trusted, but covered by an active travel pass (SPEC §8). */
export const travelPassSignal: SignalFn = (login, settings) => {
  if (!abroad(login) || settings.trustedCountries.includes(login.country)) return null;
  const pass = activeTravelPass(login, settings);
  return pass
    ? {
        code: 'travel_pass',
        level: 'info',
        detail: { country: pass.country, from: pass.from, until: pass.until },
      }
    : null;
};

/** SPEC §4 unchanged: known, not home, not trusted; and (§8) not under an active travel pass. */
export const foreignCountrySignal: SignalFn = (login, settings) =>
  abroad(login) && !settings.trustedCountries.includes(login.country) && !activeTravelPass(login, settings)
    ? {
        code: 'foreign_country',
        level: 'suspicious',
        detail: { country: login.country, homeCountry: login.homeCountry },
      }
    : null;

import { SignalFn, hasHistory } from './signal';

/**
 * From the previous successful login, farther than the distance limit at more than the speed
 * limit. Both logins at the same instant (`kmh` null) count as infinitely fast. Needs the
 * account's history like `new_device` (SPEC §7: the first logins are judged only by the
 * signals that need no past).
 */
export const impossibleTravelSignal: SignalFn = (login, _settings, t) => {
  const travel = login.history?.travel;
  if (!travel || !hasHistory(login, t)) return null;
  if (travel.km <= t.impossibleTravelMinKm) return null;
  if (travel.kmh !== null && travel.kmh <= t.impossibleTravelMinKmh) return null;
  return {
    code: 'impossible_travel',
    level: 'suspicious',
    detail: {
      fromCountry: travel.fromCountry,
      toCountry: travel.toCountry,
      km: travel.km,
      minutes: travel.minutes,
      kmh: travel.kmh,
      source: travel.source,
    },
  };
};

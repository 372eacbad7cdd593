import { LoginGeoResolvedEvent, PermanentError, followUpId, loginIdOf } from '@account-security/shared';
import type { LoginEntry } from '../../domain/history';

/** A login stamped later than this ahead of our clock is refused rather than made everyone's "latest". */
const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

/** A login's record id is derived from its login id: whoever records it first, it is the same. */
export const recordIdOf = (loginId: string) => followUpId(loginId, 'login-history/record');

/** The login as this service stores it; the login time is the event's `time` (to the millisecond). */
export function toLoginEntry(event: LoginGeoResolvedEvent, now: Date): LoginEntry {
  const loggedInAt = new Date(event.time);
  if (loggedInAt.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) {
    throw new PermanentError(`login time ${event.time} is more than a day in the future`, 'invalid_data');
  }
  const loginId = loginIdOf(event);
  const { accountId, ip, client, geo } = event.data;
  return {
    login: { loginId, accountId, loggedInAt, recordId: recordIdOf(loginId), ip, country: geo.country },
    platform: client.platform,
    version: client.version,
  };
}

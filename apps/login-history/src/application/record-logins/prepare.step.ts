import {
  LoginFailedGeoResolvedEvent,
  LoginGeoResolvedEvent,
  PermanentError,
  followUpId,
  loginIdOf,
} from '@account-security/shared';
import type { FailureEntry, LoginEntry } from '../../domain/history';
import { FeatureValues, prefixOf } from '../../domain/features';
import { centroidOf } from './centroids';
import { deviceHashOf } from './device-hash';

/** A login stamped later than this ahead of our clock is refused rather than made everyone's "latest". */
const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

/** A login's record id is derived from its login id: whoever records it first, it is the same. */
export const recordIdOf = (loginId: string) => followUpId(loginId, 'login-history/record');

function loginTimeOf(event: { time: string }, now: Date): Date {
  const loggedInAt = new Date(event.time);
  if (loggedInAt.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) {
    throw new PermanentError(`login time ${event.time} is more than a day in the future`, 'invalid_data');
  }
  return loggedInAt;
}

/** The login as this service stores it; the login time is the event's `time` (to the millisecond). */
export function toLoginEntry(
  event: LoginGeoResolvedEvent,
  now: Date,
  opts: { deviceIdKey: string } = { deviceIdKey: '' },
): LoginEntry {
  const loggedInAt = loginTimeOf(event, now);
  const loginId = loginIdOf(event);
  const { accountId, ip, client, geo } = event.data;
  const features: FeatureValues = { prefix: prefixOf(ip) };
  if (client.deviceId !== undefined && opts.deviceIdKey) {
    features.device = deviceHashOf(opts.deviceIdKey, client.deviceId);
  }
  if (geo.asn !== undefined) features.asn = String(geo.asn);
  if (geo.country !== null) features.country = geo.country;
  const place = geo.location
    ? { latitude: geo.location.latitude, longitude: geo.location.longitude, source: 'city' as const }
    : centroidOf(geo.country);
  return {
    login: {
      loginId,
      accountId,
      loggedInAt,
      recordId: recordIdOf(loginId),
      ip,
      country: geo.country,
      place,
      features,
    },
    platform: client.platform,
    version: client.version,
    eventData: { ...event.data, client: withoutDeviceId(client) },
  };
}

const withoutDeviceId = ({ deviceId: _deviceId, ...rest }: LoginGeoResolvedEvent['data']['client']) => rest;

/** A failed login as this service stores it. */
export function toFailureEntry(event: LoginFailedGeoResolvedEvent, now: Date): FailureEntry {
  const loginId = loginIdOf(event);
  const { accountId, ip, client, geo, reason } = event.data;
  return {
    loginId,
    accountId,
    recordId: recordIdOf(loginId),
    loggedInAt: loginTimeOf(event, now),
    ip,
    country: geo.country,
    reason,
    platform: client.platform,
    version: client.version,
  };
}

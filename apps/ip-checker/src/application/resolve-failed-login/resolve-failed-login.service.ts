import { GeoInfo, LOGIN_FAILED_GEO_RESOLVED, LoginFailedEvent, followUp } from '@account-security/shared';
import { SERVICE } from '../../config';
import { resolveGeo } from '../../domain/resolve-geo';
import type { ResolveLoginDeps } from '../resolve-login/resolve-login.service';

export type ResolveFailedLoginDeps = ResolveLoginDeps;

/**
 * login.failed → login.failed.geo-resolved (SPEC §7 "Failed logins"): the attempt's data,
 * untouched (unknown fields included), plus the same `geo` a success gets, as a follow-up whose
 * id is derived from the login.failed id and whose correlation id is that id. Resolves once the
 * broker confirmed it; returns the `geo`.
 */
export async function resolveFailedLogin(
  deps: ResolveFailedLoginDeps,
  event: LoginFailedEvent,
): Promise<GeoInfo> {
  const geo = resolveGeo(event.data.ip, deps.geoip);
  // The attempt is its own origin (loginIdOf), as a login.succeeded is: a `correlationid` the
  // login server put on it (its own trace id) is not the identity downstream correlates on.
  await deps.publisher.publish(
    followUp(event, LOGIN_FAILED_GEO_RESOLVED, { ...event.data, geo }, { source: SERVICE }),
  );
  return geo;
}

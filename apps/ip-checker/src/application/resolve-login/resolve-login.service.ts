import { Broker, GeoInfo, LOGIN_GEO_RESOLVED, LoginSucceededEvent, followUp } from '@account-security/shared';
import { SERVICE } from '../../config';
import { GeoDatabase, resolveGeo } from '../../domain/resolve-geo';

export interface ResolveLoginDeps {
  geoip: GeoDatabase;
  /** Resolves once the broker confirmed the event. */
  publisher: Pick<Broker, 'publish'>;
}

/**
 * login.succeeded → login.geo-resolved: the login's data, untouched (unknown fields included),
 * plus its `geo`, as a follow-up with an id derived from the login id. Returns the `geo`.
 */
export async function resolveLogin(deps: ResolveLoginDeps, event: LoginSucceededEvent): Promise<GeoInfo> {
  const geo = resolveGeo(event.data.ip, deps.geoip);
  await deps.publisher.publish(
    followUp(event, LOGIN_GEO_RESOLVED, { ...event.data, geo }, { source: SERVICE }),
  );
  return geo;
}

import {
  Broker,
  ConsumerSpec,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  PermanentError,
  followUp,
  serviceQueue,
} from '@account-security/shared';
import { SERVICE } from '../config';
import { InvalidAddressError } from '../domain/address';
import { GeoDatabase, resolveGeo } from '../domain/resolve-geo';

export const LOGIN_SUCCEEDED_QUEUE = serviceQueue(SERVICE, LOGIN_SUCCEEDED);

/** login.succeeded → login.geo-resolved: the login's data, untouched, plus its `geo`. */
export function loginSucceededConsumer(deps: {
  broker: Broker;
  geoip: GeoDatabase;
  prefetch: number;
}): ConsumerSpec<typeof LOGIN_SUCCEEDED> {
  return {
    queue: LOGIN_SUCCEEDED_QUEUE,
    types: [LOGIN_SUCCEEDED],
    prefetch: deps.prefetch,
    handle: async (event, ctx) => {
      let geo;
      try {
        geo = resolveGeo(event.data.ip, deps.geoip);
      } catch (err) {
        // The contract already refuses such an ip; should one slip through, retrying cannot help.
        if (err instanceof InvalidAddressError) throw new PermanentError(err.message, 'invalid_data');
        throw err;
      }
      await deps.broker.publish(
        followUp(event, LOGIN_GEO_RESOLVED, { ...event.data, geo }, { source: SERVICE }),
      );
      ctx.log.debug({ country: geo.country, reason: geo.reason }, 'login geo-resolved');
    },
  };
}

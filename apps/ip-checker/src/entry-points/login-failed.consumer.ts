import { ConsumerSpec, LOGIN_FAILED, PermanentError, serviceQueue } from '@account-security/shared';
import { SERVICE } from '../config';
import { InvalidAddressError } from '../domain/address';
import {
  ResolveFailedLoginDeps,
  resolveFailedLogin,
} from '../application/resolve-failed-login/resolve-failed-login.service';

export const LOGIN_FAILED_QUEUE = serviceQueue(SERVICE, LOGIN_FAILED);

/** login.failed from the login server (or the HTTP ingress) → login.failed.geo-resolved. */
export function loginFailedConsumer(
  deps: ResolveFailedLoginDeps,
  opts: { prefetch: number },
): ConsumerSpec<typeof LOGIN_FAILED> {
  return {
    queue: LOGIN_FAILED_QUEUE,
    types: [LOGIN_FAILED],
    prefetch: opts.prefetch,
    handle: async (event, ctx) => {
      let geo;
      try {
        geo = await resolveFailedLogin(deps, event);
      } catch (err) {
        // The contract already refuses such an ip; should one slip through, retrying cannot help.
        if (err instanceof InvalidAddressError) throw new PermanentError(err.message, 'invalid_data');
        throw err;
      }
      ctx.log.debug({ country: geo.country, reason: geo.reason }, 'failed login geo-resolved');
    },
  };
}

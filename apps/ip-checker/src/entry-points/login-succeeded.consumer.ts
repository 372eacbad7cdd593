import { ConsumerSpec, LOGIN_SUCCEEDED, PermanentError, serviceQueue } from '@account-security/shared';
import { SERVICE } from '../config';
import { InvalidAddressError } from '../domain/address';
import { ResolveLoginDeps, resolveLogin } from '../application/resolve-login/resolve-login.service';

export const LOGIN_SUCCEEDED_QUEUE = serviceQueue(SERVICE, LOGIN_SUCCEEDED);

export function loginSucceededConsumer(
  deps: ResolveLoginDeps,
  opts: { prefetch: number },
): ConsumerSpec<typeof LOGIN_SUCCEEDED> {
  return {
    queue: LOGIN_SUCCEEDED_QUEUE,
    types: [LOGIN_SUCCEEDED],
    prefetch: opts.prefetch,
    handle: async (event, ctx) => {
      let geo;
      try {
        geo = await resolveLogin(deps, event);
      } catch (err) {
        // The contract already refuses such an ip; should one slip through, retrying cannot help.
        if (err instanceof InvalidAddressError) throw new PermanentError(err.message, 'invalid_data');
        throw err;
      }
      ctx.log.debug({ country: geo.country, reason: geo.reason }, 'login geo-resolved');
    },
  };
}

import { LOGIN_RECORDED, SingleSpec, serviceQueue } from '@account-security/shared';
import { handleLoginRecorded } from '../../application/assess-login';
import type { AppContext } from '../../application/context';
import { SERVICE_NAME } from '../../config';

/** `account-guard.login.recorded` (SPEC §3). */
export const LOGIN_RECORDED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_RECORDED);

export function loginRecordedConsumer(ctx: AppContext, prefetch: number): SingleSpec<typeof LOGIN_RECORDED> {
  return {
    queue: LOGIN_RECORDED_QUEUE,
    types: [LOGIN_RECORDED],
    prefetch,
    // A handler holds a database connection (and the decision's row lock) while its commands are
    // confirmed; leave connections for the HTTP API, readiness and the outbox worker, so a slow
    // broker cannot starve them.
    concurrency: Math.max(1, ctx.config.DATABASE_POOL_SIZE - 4),
    handle: (event, hctx) => handleLoginRecorded(ctx, event, hctx.log),
  };
}

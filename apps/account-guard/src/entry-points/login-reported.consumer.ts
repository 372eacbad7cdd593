import { LOGIN_REPORTED, SingleSpec, serviceQueue } from '@account-security/shared';
import type { AppContext } from '../application/context';
import { recordLoginReport } from '../application/reported-ips';
import { SERVICE_NAME } from '../config';

/** `account-guard.login.reported` (SPEC §3): players' answers, for the `reported_ip` signal. */
export const LOGIN_REPORTED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_REPORTED);

/**
 * One message per handler call: answers are rare and each is one upsert. A database failure throws,
 * and the runtime retries the message with growing delay (then dead-letters it).
 */
export function loginReportedConsumer(ctx: AppContext): SingleSpec<typeof LOGIN_REPORTED> {
  return {
    queue: LOGIN_REPORTED_QUEUE,
    types: [LOGIN_REPORTED],
    prefetch: ctx.config.PREFETCH,
    // Each report holds a pooled connection while it is written; the pool serves the batches too.
    concurrency: 2,
    handle: async (event, hctx) => {
      const outcome = await recordLoginReport(ctx, event.data);
      hctx.log.info({ answer: event.data.answer, outcome }, 'login report handled');
    },
  };
}

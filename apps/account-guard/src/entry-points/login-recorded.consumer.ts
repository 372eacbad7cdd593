import { BatchSpec, LOGIN_RECORDED, serviceQueue } from '@account-security/shared';
import { assessLogins } from '../application/assess-logins';
import type { AppContext } from '../application/context';
import { SERVICE_NAME } from '../config';

/** `account-guard.login.recorded` (SPEC §3). */
export const LOGIN_RECORDED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_RECORDED);

/**
 * Logins in batches (README "Batches"): a batch holds one database connection at a time, two
 * transactions in a row, so CONSUMER_CONCURRENCY batches leave the rest of the pool to the HTTP
 * API, readiness and the outbox worker.
 */
export function loginRecordedConsumer(ctx: AppContext): BatchSpec<typeof LOGIN_RECORDED> {
  const { config } = ctx;
  return {
    queue: LOGIN_RECORDED_QUEUE,
    types: [LOGIN_RECORDED],
    prefetch: config.PREFETCH,
    batchSize: config.CONSUMER_BATCH_SIZE,
    batchDelayMs: config.CONSUMER_BATCH_DELAY_MS,
    concurrency: config.CONSUMER_CONCURRENCY,
    handleBatch: (items) => assessLogins(ctx, items),
  };
}

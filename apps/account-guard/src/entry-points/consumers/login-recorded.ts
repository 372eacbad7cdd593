import { BatchSpec, LOGIN_RECORDED, serviceQueue } from '@account-security/shared';
import { handleLoginBatch } from '../../application/assess-login';
import type { AppContext } from '../../application/context';
import { SERVICE_NAME } from '../../config';

/** `account-guard.login.recorded` (SPEC §3). */
export const LOGIN_RECORDED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_RECORDED);

/**
 * Batches of logins: one decision transaction per batch, then the batch's login.assessed
 * together. A batch holds a connection at a time, plus one per login whose broker commands it is
 * carrying out (a few at once); the rest of the pool stays for the HTTP API, readiness and the
 * outbox worker.
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
    handleBatch: (items) => handleLoginBatch(ctx, items),
  };
}

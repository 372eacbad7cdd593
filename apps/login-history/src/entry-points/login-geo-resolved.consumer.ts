import { BatchSpec, LOGIN_GEO_RESOLVED, serviceQueue } from '@account-security/shared';
import { SERVICE_NAME } from '../config';
import { RecordLoginsDeps, recordLoginBatch } from '../application/record-logins/record-logins.service';

export const LOGIN_GEO_RESOLVED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_GEO_RESOLVED);

/**
 * `login.geo-resolved` → the login recorded and its `login.recorded` published. The broker's
 * parsing and settling (ack, retry, dead-letter) are the shared consumer's; a delivery's error
 * from the use case picks its path.
 */
export function loginGeoResolvedConsumer(
  deps: RecordLoginsDeps,
  opts: { prefetch: number; batchSize: number; batchDelayMs: number },
): BatchSpec<typeof LOGIN_GEO_RESOLVED> {
  return {
    queue: LOGIN_GEO_RESOLVED_QUEUE,
    types: [LOGIN_GEO_RESOLVED],
    prefetch: opts.prefetch,
    batchSize: opts.batchSize,
    batchDelayMs: opts.batchDelayMs,
    handleBatch: (items) => recordLoginBatch(deps, items),
  };
}

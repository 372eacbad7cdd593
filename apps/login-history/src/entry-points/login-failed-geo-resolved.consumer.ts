import { BatchSpec, LOGIN_FAILED_GEO_RESOLVED, serviceQueue } from '@account-security/shared';
import { SERVICE_NAME } from '../config';
import {
  RecordFailuresDeps,
  recordFailureBatch,
} from '../application/record-failures/record-failures.service';

export const LOGIN_FAILED_GEO_RESOLVED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_FAILED_GEO_RESOLVED);

/** `login.failed.geo-resolved` → the failed login recorded (and counted); nothing is published. */
export function loginFailedGeoResolvedConsumer(
  deps: RecordFailuresDeps,
  opts: { prefetch: number; batchSize: number; batchDelayMs: number },
): BatchSpec<typeof LOGIN_FAILED_GEO_RESOLVED> {
  return {
    queue: LOGIN_FAILED_GEO_RESOLVED_QUEUE,
    types: [LOGIN_FAILED_GEO_RESOLVED],
    prefetch: opts.prefetch,
    batchSize: opts.batchSize,
    batchDelayMs: opts.batchDelayMs,
    handleBatch: (items) => recordFailureBatch(deps, items),
  };
}

import { BatchSpec, LOGIN_REPORTED, serviceQueue } from '@account-security/shared';
import { SERVICE_NAME } from '../config';
import {
  RecordOutcomesDeps,
  recordAnswerBatch,
} from '../application/record-outcomes/record-outcomes.service';

export const LOGIN_REPORTED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_REPORTED);

/** `login.reported` (account-guard) → the player's answer stored for the login's history; nothing is published. */
export function loginReportedConsumer(
  deps: RecordOutcomesDeps,
  opts: { prefetch: number; batchSize: number; batchDelayMs: number },
): BatchSpec<typeof LOGIN_REPORTED> {
  return {
    queue: LOGIN_REPORTED_QUEUE,
    types: [LOGIN_REPORTED],
    prefetch: opts.prefetch,
    batchSize: opts.batchSize,
    batchDelayMs: opts.batchDelayMs,
    handleBatch: (items) => recordAnswerBatch(deps, items),
  };
}

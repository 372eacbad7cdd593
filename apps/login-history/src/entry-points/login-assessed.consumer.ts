import { BatchSpec, LOGIN_ASSESSED, serviceQueue } from '@account-security/shared';
import { SERVICE_NAME } from '../config';
import {
  RecordOutcomesDeps,
  recordAssessmentBatch,
} from '../application/record-outcomes/record-outcomes.service';

export const LOGIN_ASSESSED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_ASSESSED);

/** `login.assessed` (account-guard) → the login's assessment stored for its history; nothing is published. */
export function loginAssessedConsumer(
  deps: RecordOutcomesDeps,
  opts: { prefetch: number; batchSize: number; batchDelayMs: number },
): BatchSpec<typeof LOGIN_ASSESSED> {
  return {
    queue: LOGIN_ASSESSED_QUEUE,
    types: [LOGIN_ASSESSED],
    prefetch: opts.prefetch,
    batchSize: opts.batchSize,
    batchDelayMs: opts.batchDelayMs,
    handleBatch: (items) => recordAssessmentBatch(deps, items),
  };
}

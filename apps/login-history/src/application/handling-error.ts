import { TransientError, isTransientDbError } from '@account-security/shared';

/** What a batch's failure is to the consumer: a database outage is transient (retried with delay). */
export const asHandlingError = (err: unknown): Error =>
  isTransientDbError(err)
    ? new TransientError(`database unavailable: ${(err as Error).message}`, { cause: err })
    : err instanceof Error
      ? err
      : new Error(String(err));

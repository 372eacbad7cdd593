import {
  BatchItem,
  LOGIN_FAILED_GEO_RESOLVED,
  Logger,
  isTransientDbError,
  runBatch,
} from '@account-security/shared';
import type { Kysely } from 'kysely';
import { asHandlingError } from '../handling-error';
import type { DB } from '../../data-access/tables';
import type { Clock } from '../../domain/clock';
import { lockAccounts } from '../../data-access/locks.repository';
import { writeFailures } from '../../data-access/failures.repository';
import { toFailureEntry } from '../record-logins/prepare.step';
import type { FailureEntry } from '../../domain/history';

export interface RecordFailuresDeps {
  db: Kysely<DB>;
  logger: Logger;
  clock: Clock;
}

/**
 * A batch of failed logins (SPEC §7): each recorded once (by its login id) in the history with
 * its reason and in the failure counts, in one transaction under the accounts' locks. A failure
 * is never anyone's previous login, is not counted as a feature, and publishes nothing.
 */
export function recordFailureBatch(
  deps: RecordFailuresDeps,
  items: BatchItem<typeof LOGIN_FAILED_GEO_RESOLVED>[],
): Promise<(Error | undefined)[]> {
  const now = deps.clock.now();
  return runBatch<BatchItem<typeof LOGIN_FAILED_GEO_RESOLVED>, FailureEntry, true>(items, {
    prepare: ({ event }) => {
      const entry = toFailureEntry(event, now);
      return { key: entry.loginId, value: entry };
    },
    commit: (entries) =>
      deps.db.transaction().execute(async (trx) => {
        await lockAccounts(trx, [...new Set(entries.map((e) => e.accountId))]);
        await writeFailures(trx, entries);
        return new Map(entries.map((e) => [e.loginId, true as const]));
      }),
    toError: asHandlingError,
    isTransient: isTransientDbError,
    logger: deps.logger,
    what: 'recorded',
  });
}

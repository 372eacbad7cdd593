import {
  BatchItem,
  LOGIN_GEO_RESOLVED,
  Logger,
  isTransientDbError,
  runBatch,
} from '@account-security/shared';
import type { Kysely } from 'kysely';
import { asHandlingError } from '../handling-error';
import type { DB } from '../../data-access/tables';
import type { Clock } from '../../domain/clock';
import { toLoginEntry } from './prepare.step';
import { recordLogins } from './record.step';
import { RecordedPublisher, publishRecorded } from './publish.step';

export interface RecordLoginsDeps {
  db: Kysely<DB>;
  logger: Logger;
  publisher: RecordedPublisher;
  clock: Clock;
  deviceIdKey: string;
  failureWindowMinutes: number;
}

/**
 * A batch of deliveries: validate, record all in one transaction, then publish every
 * `login.recorded` and wait for the broker's confirms. A delivery is acked only when its login
 * is recorded and its event confirmed. Duplicates (the same login twice in a batch) share one
 * recording and one event.
 */
export function recordLoginBatch(
  deps: RecordLoginsDeps,
  items: BatchItem<typeof LOGIN_GEO_RESOLVED>[],
): Promise<(Error | undefined)[]> {
  // One clock reading for the whole batch, as each login is judged against the same "now".
  const now = deps.clock.now();
  return runBatch(items, {
    prepare: ({ event }) => {
      const entry = toLoginEntry(event, now, { deviceIdKey: deps.deviceIdKey });
      return { key: entry.login.loginId, value: { event, entry } };
    },
    commit: (values) =>
      recordLogins(
        deps.db,
        values.map((v) => v.entry),
        { failureWindowMinutes: deps.failureWindowMinutes },
      ),
    afterCommit: (entries) => publishRecorded(deps.publisher, entries),
    toError: asHandlingError,
    isTransient: isTransientDbError,
    logger: deps.logger,
    what: 'recorded',
  });
}

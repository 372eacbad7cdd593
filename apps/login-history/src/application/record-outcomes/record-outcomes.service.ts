import {
  BatchItem,
  LOGIN_ASSESSED,
  LOGIN_REPORTED,
  Logger,
  PermanentError,
  isTransientDbError,
  runBatch,
} from '@account-security/shared';
import type { Kysely } from 'kysely';
import { asHandlingError } from '../handling-error';
import type { DB } from '../../data-access/tables';
import type { Clock } from '../../domain/clock';
import {
  AnswerEntry,
  AssessmentEntry,
  OutcomeWrite,
  answerSupersedes,
  assessmentSupersedes,
  newestPerLogin,
} from '../../domain/outcomes';
import { writeAnswers, writeAssessments } from '../../data-access/outcomes.repository';
import { toAnswerEntry, toAssessmentEntry } from './prepare.step';

export interface RecordOutcomesDeps {
  db: Kysely<DB>;
  logger: Logger;
  clock: Clock;
}

type Entry = AssessmentEntry | AnswerEntry;

/**
 * The batch skeleton shared by both outcomes: keyed by event id (a redelivered copy is the same
 * event), the newest entry per login written in one statement (which is its own transaction, so
 * durable before the acks), the others settled without a write. An entry naming another account
 * than the login's is dead-lettered (`account_mismatch`): it is never attached to that login,
 * and an operator sees it.
 */
function recordOutcomes<E extends Entry, T extends typeof LOGIN_ASSESSED | typeof LOGIN_REPORTED>(
  deps: RecordOutcomesDeps,
  items: BatchItem<T>[],
  how: {
    toEntry: (item: BatchItem<T>, now: Date) => E;
    supersedes: (a: E, b: E) => boolean;
    write: (db: Kysely<DB>, entries: E[]) => Promise<Map<string, OutcomeWrite>>;
    what: string;
  },
): Promise<(Error | undefined)[]> {
  const now = deps.clock.now();
  return runBatch<BatchItem<T>, E, OutcomeWrite>(items, {
    prepare: (item) => {
      const entry = how.toEntry(item, now);
      return { key: entry.eventId, value: entry };
    },
    commit: async (entries) => {
      const { chosen, settled } = newestPerLogin(entries, how.supersedes);
      const written = await how.write(deps.db, chosen);
      for (const e of chosen) settled.set(e.eventId, written.get(e.loginId) ?? 'stale');
      return settled;
    },
    afterCommit: async (done) => {
      const refused = new Map<string, Error>();
      for (const { key, value, result } of done) {
        if (result === 'account_mismatch') {
          refused.set(
            key,
            new PermanentError(
              `login ${value.loginId.slice(0, 128)} is not a login of account ${value.accountId}`,
              'account_mismatch',
            ),
          );
        } else if (result === 'stale') {
          deps.logger.debug({ loginId: value.loginId, eventId: key }, `a newer ${how.what} is kept`);
        }
      }
      return refused;
    },
    toError: asHandlingError,
    isTransient: isTransientDbError,
    logger: deps.logger,
    what: `stored (${how.what})`,
  });
}

/** `login.assessed`: account-guard's assessment of each login (SPEC §7, §8), the latest kept. */
export function recordAssessmentBatch(
  deps: RecordOutcomesDeps,
  items: BatchItem<typeof LOGIN_ASSESSED>[],
): Promise<(Error | undefined)[]> {
  return recordOutcomes(deps, items, {
    toEntry: ({ event }, now) => toAssessmentEntry(event, now),
    supersedes: assessmentSupersedes,
    write: writeAssessments,
    what: 'assessment',
  });
}

/** `login.reported`: the player's answer to "was this you?" (SPEC §8), the latest kept. */
export function recordAnswerBatch(
  deps: RecordOutcomesDeps,
  items: BatchItem<typeof LOGIN_REPORTED>[],
): Promise<(Error | undefined)[]> {
  return recordOutcomes(deps, items, {
    toEntry: ({ event }, now) => toAnswerEntry(event, now),
    supersedes: answerSupersedes,
    write: writeAnswers,
    what: 'answer',
  });
}

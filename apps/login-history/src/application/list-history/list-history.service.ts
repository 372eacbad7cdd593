import type { LOGIN_FAILURE_REASONS, LoginAssessment, LoginPage } from '@account-security/shared';

type LoginFailureReason = (typeof LOGIN_FAILURE_REASONS)[number];
import type { Kysely } from 'kysely';
import type { DB } from '../../data-access/tables';
import { listLogins } from '../../data-access/history.repository';
import { outcomesOf } from '../../data-access/outcomes.repository';
import { CursorPosition, encodeCursor } from '../../domain/cursor';
import type { StoredOutcome } from '../../domain/outcomes';

/** SPEC §8: shown once assessed; an answer that came first waits for the assessment. */
function assessmentOf(outcome: StoredOutcome | undefined): LoginAssessment | undefined {
  const a = outcome?.assessment;
  if (!a) return undefined;
  return {
    verdict: a.verdict,
    risk: a.risk,
    reasons: a.reasons,
    signals: a.signals as LoginAssessment['signals'],
    actions: a.actions as LoginAssessment['actions'],
    answer: outcome.answer,
    ...(a.shadow !== null && { shadow: a.shadow }),
  };
}

/**
 * One page of an account's history, newest first, and the cursor of the next page (null on the
 * last). Two queries whatever the page's size: the page, then its logins' outcomes by record id.
 */
export async function listHistory(
  db: Kysely<DB>,
  accountId: string,
  opts: { limit: number; before?: CursorPosition },
): Promise<LoginPage> {
  // One more than asked tells whether another page follows.
  const rows = await listLogins(db, accountId, { limit: opts.limit + 1, before: opts.before });
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  const outcomes = await outcomesOf(
    db,
    accountId,
    page.map((r) => r.id),
  );
  return {
    items: page.map((r) => {
      const assessment = assessmentOf(outcomes.get(r.id));
      return {
        // The record id, and the login's own id, which its answer names (SPEC §8 feedback);
        // every row has it once the migration filled in the older ones.
        id: r.id,
        ...(r.loginId ? { loginEventId: r.loginId } : {}),
        loggedInAt: r.loggedInAt.toISOString(),
        ip: r.ip,
        country: r.country,
        client: { platform: r.platform, version: r.version },
        result: r.result,
        ...(r.result === 'failed' && r.reason !== null && { reason: r.reason as LoginFailureReason }),
        ...(assessment && { assessment }),
      };
    }),
    nextCursor:
      rows.length > opts.limit && last ? encodeCursor({ loggedInAt: last.loggedInAt, id: last.id }) : null,
  };
}

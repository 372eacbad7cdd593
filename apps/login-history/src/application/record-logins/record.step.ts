import type { Kysely } from 'kysely';
import type { DB } from '../../data-access/tables';
import { lockAccounts } from '../../data-access/locks.repository';
import { findLatestBefore, readRecordingState, writeRecording } from '../../data-access/recording.repository';
import { LoginEntry, RecordedLogin, arrivingLate, planHistory } from '../../domain/history';

/**
 * Records logins in one transaction: the accounts are locked first, so a login id that another
 * consumer is recording is seen as recorded here once it commits, and each account's logins
 * get their history facts computed against everything recorded before. Returns every login's
 * facts, whether recorded now or earlier (as stored then).
 */
export async function recordLogins(
  db: Kysely<DB>,
  entries: LoginEntry[],
  opts: { failureWindowMinutes: number } = { failureWindowMinutes: 60 },
): Promise<Map<string, RecordedLogin>> {
  return db.transaction().execute(async (trx) => {
    const accountIds = [...new Set(entries.map((e) => e.login.accountId))];
    await lockAccounts(trx, accountIds);
    const { recorded, histories, population, failures } = await readRecordingState(
      trx,
      entries.map((e) => e.login),
      accountIds,
      opts.failureWindowMinutes,
    );
    const seen = new Set<string>();
    // Not yet recorded, and each login id once even if the caller passed it twice.
    const fresh = entries.filter((e) => {
      const id = e.login.loginId;
      if (recorded.has(id) || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (fresh.length === 0) return recorded;

    const logins = fresh.map((e) => e.login);
    const earlier = await findLatestBefore(trx, arrivingLate(logins, histories));
    const plan = planHistory(logins, histories, earlier, { population, failures });
    const rows = fresh.map((e) => ({ ...e, facts: plan.facts.get(e.login.loginId)! }));
    await writeRecording(trx, rows, plan);
    for (const { login, facts } of rows) {
      recorded.set(login.loginId, {
        loginId: login.loginId,
        accountId: login.accountId,
        recordId: login.recordId,
        loggedInAt: login.loggedInAt,
        ...facts,
      });
    }
    return recorded;
  });
}

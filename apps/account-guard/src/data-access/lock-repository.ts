import type { LockState } from '../domain/types';
import { sql } from 'kysely';
import type { Executor, LockRow } from './schema';

/**
 * Serialises everything that reads and changes one account's lock and decisions (two logins of
 * the same account at once, a login racing an unlock) until the transaction ends. An advisory
 * lock works before any row exists; a hash collision only makes two accounts wait for each other.
 */
export async function serializeAccount(trx: Executor, accountId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`account-guard:${accountId}`}, 0))`.execute(trx);
}

export async function findLock(db: Executor, accountId: string): Promise<LockRow | undefined> {
  return db.selectFrom('account_lock').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

export async function insertLock(
  trx: Executor,
  lock: { accountId: string; lockId: string; reason: string; lockedBy: string; loginId: string | null },
): Promise<LockRow> {
  return trx
    .insertInto('account_lock')
    .values({
      account_id: lock.accountId,
      lock_id: lock.lockId,
      reason: lock.reason,
      locked_by: lock.lockedBy,
      login_id: lock.loginId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteLock(trx: Executor, accountId: string, lockId: string): Promise<boolean> {
  const r = await trx
    .deleteFrom('account_lock')
    .where('account_id', '=', accountId)
    .where('lock_id', '=', lockId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export function toLockState(row: LockRow): LockState {
  return { lockId: row.lock_id, lockedAt: row.locked_at.toISOString(), reason: row.reason };
}

import type { LockState } from '../domain/types';
import { sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { AccountLockTable, Executor, LockRow } from './schema';

/**
 * Serialises everything that reads and changes one account's lock and decisions (two logins of
 * the same account at once, a login racing an unlock) until the transaction ends. An advisory
 * lock works before any row exists; a hash collision only makes two accounts wait for each other.
 */
export async function serializeAccount(trx: Executor, accountId: string): Promise<void> {
  await serializeAccounts(trx, [accountId]);
}

/**
 * `serializeAccount` for several accounts in one statement. The locks are taken in one global
 * order (by key), so transactions locking overlapping sets of accounts (batches of two consumers
 * or replicas) cannot deadlock; the ORDER BY sits in a subquery, which Postgres does not flatten,
 * so the locks are taken in its output order.
 */
export async function serializeAccounts(trx: Executor, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  const keys = [...new Set(accountIds)].map((id) => `account-guard:${id}`);
  await sql`
    select pg_advisory_xact_lock(k)
    from (select distinct hashtextextended(a, 0) as k from unnest(${keys}::text[]) as a order by k) as keys
  `.execute(trx);
}

export async function findLock(db: Executor, accountId: string): Promise<LockRow | undefined> {
  return db.selectFrom('account_lock').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

export interface NewLock {
  accountId: string;
  lockId: string;
  reason: string;
  lockedBy: string;
  loginId: string | null;
  /** Default: the database's clock at the insert. */
  lockedAt?: Date;
}

export const lockValues = (locks: NewLock[]): Insertable<AccountLockTable>[] =>
  locks.map((lock) => ({
    account_id: lock.accountId,
    lock_id: lock.lockId,
    reason: lock.reason,
    locked_by: lock.lockedBy,
    login_id: lock.loginId,
    ...(lock.lockedAt ? { locked_at: lock.lockedAt } : {}),
  }));

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

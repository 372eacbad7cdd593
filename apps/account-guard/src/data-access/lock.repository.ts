import { sql } from 'kysely';
import type { AccountLock, LockState } from '../domain/types';
import type { Executor, Trx } from './db';
import type { LockRow, NewLockRow } from './tables/account-lock.table';

/**
 * Serialises everything that reads and changes one account's lock and decisions (two logins of
 * the same account at once, a login racing an unlock) until the transaction ends. An advisory
 * lock works before any row exists; a hash collision only makes two accounts wait for each other.
 */
export async function lockAccount(trx: Trx, accountId: string): Promise<void> {
  await lockAccounts(trx, [accountId]);
}

/**
 * `lockAccount` for several accounts in one statement. The locks are taken in one global
 * order (by key), so transactions locking overlapping sets of accounts (batches of two consumers
 * or replicas) cannot deadlock; the ORDER BY sits in a subquery, which Postgres does not flatten,
 * so the locks are taken in its output order.
 */
export async function lockAccounts(trx: Trx, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  const keys = [...new Set(accountIds)].map((id) => `account-guard:${id}`);
  await sql`
    select pg_advisory_xact_lock(k)
    from (select distinct hashtextextended(a, 0) as k from unnest(${keys}::text[]) as a order by k) as keys
  `.execute(trx);
}

export const toAccountLock = (row: LockRow): AccountLock => ({
  accountId: row.account_id,
  lockId: row.lock_id,
  lockedAt: row.locked_at,
  reason: row.reason,
  loginId: row.login_id,
});

/** A lock as findLock reads it: with whether only support may end it (a "not me" made or met it). */
export interface StoredLock extends AccountLock {
  supportOnly: boolean;
}

export async function findLock(db: Executor, accountId: string): Promise<StoredLock | undefined> {
  const row = await db
    .selectFrom('account_lock')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row && { ...toAccountLock(row), supportOnly: row.support_only };
}

/** "Not me" met this lock: from now on only support may end it. */
export async function makeLockSupportOnly(trx: Trx, accountId: string, lockId: string): Promise<void> {
  await trx
    .updateTable('account_lock')
    .set({ support_only: true })
    .where('account_id', '=', accountId)
    .where('lock_id', '=', lockId)
    .execute();
}

export interface NewLock {
  accountId: string;
  lockId: string;
  reason: string;
  lockedBy: string;
  loginId: string | null;
  lockedAt: Date;
  /** Only support may end it (a "not me" lock); false unless given. */
  supportOnly?: boolean;
}

export const lockValues = (locks: NewLock[]): NewLockRow[] =>
  locks.map((lock) => ({
    account_id: lock.accountId,
    lock_id: lock.lockId,
    reason: lock.reason,
    locked_by: lock.lockedBy,
    login_id: lock.loginId,
    locked_at: lock.lockedAt,
    support_only: lock.supportOnly ?? false,
  }));

export async function deleteLock(trx: Trx, accountId: string, lockId: string): Promise<boolean> {
  const r = await trx
    .deleteFrom('account_lock')
    .where('account_id', '=', accountId)
    .where('lock_id', '=', lockId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export function toLockState(lock: AccountLock): LockState {
  return { lockId: lock.lockId, lockedAt: lock.lockedAt.toISOString(), reason: lock.reason };
}

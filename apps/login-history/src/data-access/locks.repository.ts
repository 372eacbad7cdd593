import { Kysely, Transaction, sql } from 'kysely';
import type { DB } from './tables';

/** Namespace of this service's advisory locks (the two-key form), so they collide with nothing else. */
const ACCOUNT_LOCK_CLASS = 0x4c48;

/**
 * Serialises work on these accounts until the transaction ends. Locks are taken in one global
 * order (by key), so two transactions locking overlapping sets of accounts cannot deadlock.
 * Accounts sharing a hash merely share a lock.
 */
export async function lockAccounts(trx: Transaction<DB>, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  // The ORDER BY sits in a subquery, which Postgres does not flatten: the locks are taken in
  // the subquery's output order.
  await sql`
    select pg_advisory_xact_lock(${ACCOUNT_LOCK_CLASS}::int, k)
    from (select distinct hashtext(a) as k from unnest(${accountIds}::text[]) as a order by k) as keys
  `.execute(trx);
}

// Its own lock class: in the accounts' class (0x4c48) key 0 is some account's hash.
const MAINTENANCE_LOCK = { class: 0x4c4d, key: 0 } as const;

/**
 * Runs `fn` while holding the session-level maintenance lock on one connection, so partition
 * upkeep and purges of several service instances (and the purge script) never run at once.
 * Returns undefined when another holder has it.
 */
export async function withMaintenanceLock<T>(
  db: Kysely<DB>,
  fn: (conn: Kysely<DB>) => Promise<T>,
): Promise<T | undefined> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ got: boolean }>`
      select pg_try_advisory_lock(${MAINTENANCE_LOCK.class}::int, ${MAINTENANCE_LOCK.key}::int) as got
    `.execute(conn);
    if (!rows[0]?.got) return undefined;
    try {
      return await fn(conn);
    } finally {
      await sql`select pg_advisory_unlock(${MAINTENANCE_LOCK.class}::int, ${MAINTENANCE_LOCK.key}::int)`.execute(
        conn,
      );
    }
  });
}

import { Kysely, Transaction, sql } from 'kysely';
import type { DB } from './tables';
import type { MonthPartition } from '../domain/partitions';
import { lockAccounts } from './locks.repository';
import { deleteOutcomesOf } from './outcomes.repository';

type Db = Kysely<DB>;

/** DDL waits at most this long for its lock, then gives up: queued behind it, writers would wait too. */
async function setLockTimeout(trx: Transaction<DB>, ms: number): Promise<void> {
  await sql`select set_config('lock_timeout', ${`${Math.max(1, Math.floor(ms))}ms`}, true)`.execute(trx);
}

/** Names of the tables attached to `logins` (monthly partitions and the default one). */
export async function listPartitions(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'logins'::regclass
  `.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Adds a month's partition. It is built detached and then attached, which needs only a weak lock
 * on `logins` (readers and writers carry on); rows of that month that fell into the default
 * partition meanwhile move into it first, or the attach would fail.
 */
export async function createMonthPartition(db: Db, p: MonthPartition, lockTimeoutMs: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await setLockTimeout(trx, lockTimeoutMs);
    const table = sql.id(p.name);
    await sql`create table ${table} (like logins including defaults including constraints)`.execute(trx);
    await sql`lock table logins_default in exclusive mode`.execute(trx);
    await sql`
      with moved as (
        delete from logins_default where logged_in_at >= ${p.from} and logged_in_at < ${p.to} returning *
      )
      insert into ${table} select * from moved
    `.execute(trx);
    await sql`
      alter table logins attach partition ${table}
      for values from (${sql.lit(p.from.toISOString())}) to (${sql.lit(p.to.toISOString())})
    `.execute(trx);
  });
}

/** Removes a whole partition: detaching takes a brief exclusive lock on `logins`, bounded by the timeout. */
export async function dropPartition(db: Db, name: string, lockTimeoutMs: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await setLockTimeout(trx, lockTimeoutMs);
    await sql`alter table logins detach partition ${sql.id(name)}`.execute(trx);
    await sql`drop table ${sql.id(name)}`.execute(trx);
  });
}

/**
 * Deletes up to `batchSize` logins older than the cutoff, oldest first, in one short
 * transaction (row locks only), with their outcomes (SPEC §8) and the summaries that no longer
 * describe any retained login.
 * Driven by the login ids' time index, so the partitioned table needs no index of its own for
 * this. Returns how many logins went.
 */
export async function purgeBatch(db: Db, cutoff: Date, batchSize: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      login_id: string;
      account_id: string;
      logged_in_at: Date;
      record_id: string;
      country: string | null;
    }>`
      delete from recorded_logins
      where login_id in (
        select login_id from recorded_logins where logged_in_at < ${cutoff} order by logged_in_at limit ${batchSize}
      )
      returning login_id, account_id, logged_in_at, record_id, country
    `.execute(trx);
    if (rows.length === 0) return 0;

    const oldest = new Date(Math.min(...rows.map((r) => r.logged_in_at.getTime())));
    // The time range lets the planner prune to the partitions that can hold these rows (the
    // boundary month and the default partition); whole older months are already dropped.
    await sql`
      delete from logins
      where logged_in_at >= ${oldest} and logged_in_at < ${cutoff}
        and (account_id, logged_in_at, id) in (
          select * from unnest(${rows.map((r) => r.account_id)}::text[],
                               ${rows.map((r) => r.logged_in_at)}::timestamptz[],
                               ${rows.map((r) => r.record_id)}::uuid[])
        )
    `.execute(trx);

    await deleteOutcomesOf(
      trx,
      rows.map((r) => r.login_id),
    );

    const accounts = [...new Set(rows.map((r) => r.account_id))];
    await lockAccounts(trx, accounts);
    const pairs = rows.filter((r) => r.country !== null);
    if (pairs.length > 0) {
      await sql`
        delete from account_countries c
        using unnest(${pairs.map((r) => r.account_id)}::text[], ${pairs.map((r) => r.country)}::text[]) as d(account_id, country)
        where c.account_id = d.account_id and c.country = d.country and c.last_logged_in_at < ${cutoff}
      `.execute(trx);
    }
    // A feature value the account has not used within the retention is forgotten with its count.
    await trx
      .deleteFrom('account_features')
      .where('account_id', 'in', accounts)
      .where('last_seen_at', '<', cutoff)
      .execute();
    await trx
      .deleteFrom('account_last_logins')
      .where('account_id', 'in', accounts)
      .where('logged_in_at', '<', cutoff)
      .execute();
    return rows.length;
  });
}

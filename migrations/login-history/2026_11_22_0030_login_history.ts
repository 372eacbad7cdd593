// kysely is a dependency of @account-security/shared only, and pnpm does not hoist it to the
// repository root where this folder would find it; reach it through shared's own node_modules.
import { Kysely, sql } from 'kysely';

/**
 * Login history, designed for years of data:
 * - `logins` is range-partitioned by month on `logged_in_at`. The service creates the monthly
 *   partitions ahead of time; `logins_default` catches anything outside them. Retention drops
 *   whole old partitions and deletes the rest in small batches, so writers are never locked out.
 *   Its primary key (account_id, logged_in_at, id) is also the index the history query
 *   (one account, newest first, keyset-paged) scans backwards.
 * - `recorded_logins` is the idempotency key: a unique constraint on a partitioned table must
 *   contain the partition key, so the login id lives in its own plain table. It also keeps the
 *   history facts published in `login.recorded`, so a redelivery republishes exactly them.
 * - `account_last_logins` and `account_countries` summarise each account's retained history
 *   (latest login; first and last login per country), so recording a login never has to search
 *   the account's history across partitions in the common, in-order case.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table logins (
      account_id text not null check (char_length(account_id) between 1 and 64),
      logged_in_at timestamptz not null,
      id uuid not null,
      ip inet not null,
      country text check (country ~ '^[A-Z]{2}$'),
      client_platform text not null check (char_length(client_platform) between 1 and 32),
      client_version text not null check (char_length(client_version) between 1 and 32),
      primary key (account_id, logged_in_at, id)
    ) partition by range (logged_in_at)
  `.execute(db);
  await sql`create table logins_default partition of logins default`.execute(db);

  await sql`
    create table recorded_logins (
      login_id text primary key,
      account_id text not null,
      logged_in_at timestamptz not null,
      record_id uuid not null,
      country text,
      new_country boolean not null,
      previous_logged_in_at timestamptz,
      previous_ip inet,
      previous_country text,
      recorded_at timestamptz not null default now()
    )
  `.execute(db);
  // Retention walks this index oldest first; it also leads to each login's partition row.
  await sql`create index recorded_logins_logged_in_at on recorded_logins (logged_in_at)`.execute(db);

  await sql`
    create table account_last_logins (
      account_id text primary key,
      logged_in_at timestamptz not null,
      record_id uuid not null,
      ip inet not null,
      country text
    )
  `.execute(db);

  await sql`
    create table account_countries (
      account_id text not null,
      country text not null,
      first_logged_in_at timestamptz not null,
      first_record_id uuid not null,
      last_logged_in_at timestamptz not null,
      primary key (account_id, country)
    )
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists account_countries`.execute(db);
  await sql`drop table if exists account_last_logins`.execute(db);
  await sql`drop table if exists recorded_logins`.execute(db);
  await sql`drop table if exists logins`.execute(db);
}

// kysely is a dependency of @account-security/shared only (see the first migration).
import { Kysely, sql } from 'kysely';

/**
 * SPEC §7: failed logins in the history, the features and travel of each successful login.
 * - `logins` gains `result` (existing rows are successes) and the failure's `failure_reason`,
 *   and the login's coordinates with their source (a city database, or the country's centroid),
 *   so a login arriving late still finds its previous login's place.
 * - `recorded_logins.history`: the SPEC §7 facts published for the login (features, travel,
 *   failures, counts), so a redelivery republishes exactly them: `json`, not `jsonb`, which would
 *   reorder the keys. A failure's row has none.
 * - `account_last_logins` gains the latest login's coordinates.
 * - `account_features` / `global_features`: how often each feature value was seen on successful
 *   logins, per account and for everyone; kind `logins` (value '') counts the logins themselves.
 * - `ip_failures` / `account_failure_minutes`: failed logins per (IP, account) and per account
 *   and minute, for the failure counts of the next success.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table logins
      add column result text not null default 'succeeded' check (result in ('succeeded', 'failed')),
      add column failure_reason text check (char_length(failure_reason) between 1 and 32),
      add column latitude double precision,
      add column longitude double precision,
      add column location_source text check (location_source in ('city', 'country'))
  `.execute(db);
  await sql`alter table recorded_logins add column history json`.execute(db);
  await sql`
    alter table account_last_logins
      add column latitude double precision,
      add column longitude double precision,
      add column location_source text
  `.execute(db);
  await sql`
    create table account_features (
      account_id text not null,
      kind text not null check (kind in ('logins', 'device', 'asn', 'country', 'prefix')),
      value text not null,
      count bigint not null,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      primary key (account_id, kind, value)
    )
  `.execute(db);
  await sql`
    create table global_features (
      kind text not null check (kind in ('logins', 'device', 'asn', 'country', 'prefix')),
      value text not null,
      count bigint not null,
      primary key (kind, value)
    )
  `.execute(db);
  await sql`
    create table ip_failures (
      ip inet not null,
      account_id text not null,
      last_failed_at timestamptz not null,
      primary key (ip, account_id)
    )
  `.execute(db);
  await sql`create index ip_failures_last_failed_at on ip_failures (last_failed_at)`.execute(db);
  await sql`
    create table account_failure_minutes (
      account_id text not null,
      minute timestamptz not null,
      count int not null,
      primary key (account_id, minute)
    )
  `.execute(db);
  await sql`create index account_failure_minutes_minute on account_failure_minutes (minute)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists account_failure_minutes`.execute(db);
  await sql`drop table if exists ip_failures`.execute(db);
  await sql`drop table if exists global_features`.execute(db);
  await sql`drop table if exists account_features`.execute(db);
  await sql`alter table account_last_logins drop column latitude, drop column longitude, drop column location_source`.execute(
    db,
  );
  await sql`alter table recorded_logins drop column history`.execute(db);
  await sql`
    alter table logins drop column result, drop column failure_reason, drop column latitude,
      drop column longitude, drop column location_source
  `.execute(db);
}

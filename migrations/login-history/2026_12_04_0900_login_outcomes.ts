// kysely is a dependency of @account-security/shared only (see the first migration).
import { Kysely, sql } from 'kysely';

/**
 * SPEC §8: what became of each login, as account-guard tells it in `login.assessed` and
 * `login.reported` (its only source: no service reads another's database).
 * - One row per login id (the `login.succeeded` id, `correlationid`). `record_id` is the login's
 *   record id (derived from the login id), so a history page finds its outcomes by the ids it
 *   lists; `account_id` is the events', and a page shows an outcome only when it matches the
 *   login's own account.
 * - The assessment and the answer each carry the time they are of (`assessed_at`: the event's
 *   `time`; `answered_at`: the answer's `at`), so an older or redelivered event never overwrites
 *   a newer one, in whatever order they arrive. An answer may come first: the assessment columns
 *   stay null until it is assessed.
 * - `last_event_at` (the later of the two) lets retention forget outcomes whose login is not (or
 *   no longer) recorded; outcomes of recorded logins go with their login.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table login_outcomes (
      login_id text primary key,
      record_id uuid not null,
      account_id text not null check (char_length(account_id) between 1 and 64),
      verdict text check (verdict in ('trusted', 'unusual', 'suspicious')),
      risk smallint check (risk between 0 and 100),
      reasons jsonb,
      signals jsonb,
      actions jsonb,
      shadow boolean,
      assessed_at timestamptz,
      answer text check (answer in ('me', 'not_me')),
      answered_at timestamptz,
      answered_by text,
      last_event_at timestamptz not null,
      check ((verdict is null) = (assessed_at is null)),
      check ((answer is null) = (answered_at is null))
    )
  `.execute(db);
  await sql`create unique index login_outcomes_record_id on login_outcomes (record_id)`.execute(db);
  await sql`create index login_outcomes_last_event_at on login_outcomes (last_event_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists login_outcomes`.execute(db);
}

// kysely is a dependency of @account-security/shared only (see the first migration).
import { Kysely, sql } from 'kysely';

/**
 * SPEC §10 replay: `GET /v1/export/logins` serves each login as account-guard assessed it, so
 * `recorded_logins` keeps the login's event data as published in `login.recorded` (geo, client
 * without its device id, session, home country) beside the history facts it already keeps; rows
 * recorded before this have none (the export marks them `partial`). The export walks the logins
 * in (time, record id) order across accounts: this index is that order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table recorded_logins add column event_data jsonb`.execute(db);
  await sql`create index recorded_logins_time_record on recorded_logins (logged_in_at, record_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index recorded_logins_time_record`.execute(db);
  await sql`alter table recorded_logins drop column event_data`.execute(db);
}

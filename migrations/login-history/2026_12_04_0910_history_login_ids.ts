// kysely is a dependency of @account-security/shared only (see the first migration).
import { Kysely, sql } from 'kysely';

/**
 * SPEC §8: a history item is answered by its login's id (`POST …/logins/{loginEventId}/feedback`),
 * the id that is the login's identity end to end (SPEC §3), so `logins` keeps it next to the
 * record id. Existing rows take it from `recorded_logins`, which holds every retained login's.
 * Not in the primary key: the history is still ordered and paged by (time, record id).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table logins add column login_id text`.execute(db);
  await sql`
    update logins l set login_id = r.login_id
    from recorded_logins r
    where r.record_id = l.id and r.account_id = l.account_id and r.logged_in_at = l.logged_in_at
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table logins drop column login_id`.execute(db);
}

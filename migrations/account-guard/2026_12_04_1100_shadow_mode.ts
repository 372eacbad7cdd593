import { Kysely, sql } from 'kysely';

/**
 * SPEC §10: shadow mode. An action only recorded has the status `shadow` (never pending, so the
 * outbox never picks it up), and a decision remembers it was made in shadow: a redelivery after
 * the deployment is switched to enforce republishes it as it was, and carries nothing out.
 * Older decisions read as enforced.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table login_action drop constraint if exists login_action_status_check`.execute(db);
  await sql`alter table login_action add constraint login_action_status_check
    check (status in ('pending', 'sent', 'done', 'skipped', 'failed', 'shadow'))`.execute(db);
  await db.schema
    .alterTable('login_decision')
    .addColumn('shadow', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_decision').dropColumn('shadow').execute();
  await sql`delete from login_action where status = 'shadow'`.execute(db);
  await sql`alter table login_action drop constraint login_action_status_check`.execute(db);
  await sql`alter table login_action add constraint login_action_status_check
    check (status in ('pending', 'sent', 'done', 'skipped', 'failed'))`.execute(db);
}

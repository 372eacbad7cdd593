import { Kysely, sql } from 'kysely';

/**
 * SPEC §7 and §8: the `unusual` verdict; a decision keeps its risk score and signals (so a redelivery republishes the
 * same login.assessed), and protection settings gain travel passes. Older rows read as risk 0,
 * no signals, no passes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table login_decision drop constraint if exists login_decision_verdict_check`.execute(db);
  await sql`alter table login_decision add constraint login_decision_verdict_check
    check (verdict in ('trusted', 'unusual', 'suspicious'))`.execute(db);
  await db.schema
    .alterTable('login_decision')
    .addColumn('risk', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`risk between 0 and 100`),
    )
    .addColumn('signals', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema
    .alterTable('protection_settings')
    .addColumn('travel_passes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('protection_settings').dropColumn('travel_passes').execute();
  await db.schema.alterTable('login_decision').dropColumn('signals').dropColumn('risk').execute();
  await sql`alter table login_decision drop constraint login_decision_verdict_check`.execute(db);
  await sql`alter table login_decision add constraint login_decision_verdict_check
    check (verdict in ('trusted', 'suspicious'))`.execute(db);
}

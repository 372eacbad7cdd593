import { Kysely } from 'kysely';

/**
 * SPEC §8: a lock a "not me" made or met can be ended only by support. A "me" on the login that
 * caused it no longer ends it, no unlock link is minted for it, and one already sent is refused.
 * Existing locks keep their old rules.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('account_lock')
    .addColumn('support_only', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('account_lock').dropColumn('support_only').execute();
}

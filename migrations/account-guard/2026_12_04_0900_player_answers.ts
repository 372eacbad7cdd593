import { Kysely, sql } from 'kysely';

/**
 * SPEC §8 and §9: the player's answers. A decision keeps the login's device (as a key, never
 * the raw id) and ASN, so "it was me" can make them known; the known devices and networks;
 * the IPs players reported ("not me", fed by login.reported); the answer per login and the
 * one-time answer links (hashes only); indexes for support's two lists (keyset-paged).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('login_decision')
    .addColumn('device_key', 'text')
    .addColumn('asn', 'integer')
    .execute();

  await db.schema
    .createTable('known_device')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('device_key', 'text', (c) => c.notNull())
    .addColumn('login_id', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('known_device_pk', ['account_id', 'device_key'])
    .execute();

  await db.schema
    .createTable('known_network')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('asn', 'integer', (c) => c.notNull())
    .addColumn('login_id', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('known_network_pk', ['account_id', 'asn'])
    .execute();

  // One row per IP: the latest report counts for reported_ip (SPEC §7, 30 days).
  await db.schema
    .createTable('reported_ip')
    .addColumn('ip', 'text', (c) => c.primaryKey())
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('login_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reported_ip_reported_at').on('reported_ip').column('reported_at').execute();

  await db.schema
    .createTable('login_feedback')
    .addColumn('login_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull().check(sql`answer in ('me', 'not_me')`))
    .addColumn('answered_by', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_feedback_account').on('login_feedback').column('account_id').execute();

  await db.schema
    .createTable('feedback_token')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('login_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('feedback_token_expires_at')
    .on('feedback_token')
    .column('expires_at')
    .execute();

  // Support's lists (SPEC §9), newest first, keyset-paged.
  await sql`create index login_decision_alerts on login_decision (decided_at desc, login_id desc)
    where verdict in ('suspicious', 'unusual')`.execute(db);
  await sql`create index account_lock_newest on account_lock (locked_at desc, account_id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists account_lock_newest`.execute(db);
  await sql`drop index if exists login_decision_alerts`.execute(db);
  for (const t of ['feedback_token', 'login_feedback', 'reported_ip', 'known_network', 'known_device'])
    await db.schema.dropTable(t).ifExists().execute();
  await db.schema.alterTable('login_decision').dropColumn('asn').dropColumn('device_key').execute();
}

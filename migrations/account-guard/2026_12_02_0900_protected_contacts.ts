import { Kysely, sql } from 'kysely';

/**
 * Protection changes an intruder cannot hide (SPEC §8):
 * - a replaced email or phone waits in `pending_*` until the link sent to it is used; notices
 *   keep going to the one in `email`/`phone` meanwhile;
 * - `contact_token`: sha256 of each one-time verification link (never the token);
 * - `login_action` carries notices that follow a settings change or a contact verification as
 *   well as a login's: `origin` says which, `login_id` holds that origin's id (so the foreign key
 *   to login_decision goes), and `reserved_at` marks a notice counted against the hourly caps.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('protection_settings')
    .addColumn('pending_email', 'text')
    .addColumn('pending_email_since', 'timestamptz')
    .addColumn('pending_phone', 'text')
    .addColumn('pending_phone_since', 'timestamptz')
    .execute();

  await db.schema
    .createTable('contact_token')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact', 'text', (c) => c.notNull().check(sql`contact in ('email', 'phone')`))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('action_id', 'bigint', (c) => c.references('login_action.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('contact_token_account').on('contact_token').column('account_id').execute();

  await sql`alter table login_action drop constraint login_action_login_id_fkey`.execute(db);
  await db.schema
    .alterTable('login_action')
    .addColumn('origin', 'text', (c) =>
      c
        .notNull()
        .defaultTo('login')
        .check(sql`origin in ('login', 'settings_change', 'contact')`),
    )
    .addColumn('reserved_at', 'timestamptz')
    .execute();
  await sql`create index login_action_reserved on login_action (account_id, channel, reserved_at)
    where reserved_at is not null`.execute(db);
  await sql`create index login_action_reserved_sms on login_action ((payload->>'to'), reserved_at)
    where reserved_at is not null and channel = 'sms'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index login_action_reserved_sms`.execute(db);
  await sql`drop index login_action_reserved`.execute(db);
  await db.schema.alterTable('login_action').dropColumn('reserved_at').dropColumn('origin').execute();
  await sql`alter table login_action add constraint login_action_login_id_fkey
    foreign key (login_id) references login_decision (login_id)`.execute(db);
  await db.schema.dropTable('contact_token').execute();
  await db.schema
    .alterTable('protection_settings')
    .dropColumn('pending_phone_since')
    .dropColumn('pending_phone')
    .dropColumn('pending_email_since')
    .dropColumn('pending_email')
    .execute();
}

import { Kysely, sql } from 'kysely';

/**
 * account_guard: protection settings, lock state, decisions and their actions (the outbox of
 * notifications and commands), unlock tokens (hashes only), an outbox for events not tied to a
 * login, and an append-only audit trail.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('protection_settings')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('policy', 'text', (c) =>
      c.notNull().check(sql`policy in ('none', 'notify', 'kick', 'block', 'lock')`),
    )
    .addColumn('channels', sql`text[]`, (c) =>
      c.notNull().check(sql`channels <@ array['email', 'sms', 'in_game']::text[]`),
    )
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('trusted_countries', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('locale', 'text', (c) => c.notNull().check(sql`locale in ('en', 'ko')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  // One row per locked account: the row is the lock. Its history lives in the audit trail.
  await db.schema
    .createTable('account_lock')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('lock_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('locked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text', (c) => c.notNull())
    .addColumn('login_id', 'text')
    .execute();

  // One decision per login (the login's identity is the key): redeliveries find it here.
  await db.schema
    .createTable('login_decision')
    .addColumn('login_id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('country', 'text')
    .addColumn('home_country', 'text', (c) => c.notNull())
    .addColumn('logged_in_at', 'timestamptz', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('trusted', 'suspicious')`))
    .addColumn('reasons', sql`text[]`, (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('assessed_published_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('login_decision_account')
    .on('login_decision')
    .columns(['account_id', 'decided_at desc'])
    .execute();

  // What a decision asked for, one row per action (and per channel for notifications). Rows
  // still 'pending' are the outbox: the consumer carries out broker commands, the notification
  // worker delivers email and SMS with retries.
  await db.schema
    .createTable('login_action')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('login_id', 'text', (c) => c.notNull().references('login_decision.login_id'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('notify', 'kick', 'block', 'lock')`))
    .addColumn('channel', 'text', (c) => c.check(sql`channel in ('email', 'sms', 'in_game')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'sent', 'done', 'skipped', 'failed')`),
    )
    .addColumn('detail', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await sql`create unique index login_action_once on login_action (login_id, type, coalesce(channel, ''))`.execute(
    db,
  );
  await sql`create index login_action_due on login_action (next_attempt_at) where status = 'pending'`.execute(
    db,
  );

  await db.schema
    .createTable('unlock_token')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('lock_id', 'uuid', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'bigint', (c) => c.references('login_action.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('unlock_token_lock').on('unlock_token').column('lock_id').execute();

  await db.schema
    .createTable('event_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .execute();
  await sql`create index event_outbox_due on event_outbox (next_attempt_at) where published_at is null`.execute(
    db,
  );

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('login_id', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex('audit_log_account')
    .on('audit_log')
    .columns(['account_id', 'id desc'])
    .execute();

  // The trail is append-only for everyone, not only for the app's code paths.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function audit_log_append_only()`.execute(db);
  await db.schema.dropTable('event_outbox').execute();
  await db.schema.dropTable('unlock_token').execute();
  await db.schema.dropTable('login_action').execute();
  await db.schema.dropTable('login_decision').execute();
  await db.schema.dropTable('account_lock').execute();
  await db.schema.dropTable('protection_settings').execute();
}

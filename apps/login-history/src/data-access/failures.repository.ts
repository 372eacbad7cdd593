import { Transaction, sql } from 'kysely';
import type { DB } from './tables';
import type { FailureEntry } from '../domain/history';

/**
 * Records failed logins in one statement (the caller holds the accounts' locks): the idempotency
 * rows (a login id already recorded is skipped), and for the ones new, their history rows and the
 * failure counts (latest failure per IP and account; failures per account and minute). Returns
 * the login ids recorded now.
 */
export async function writeFailures(trx: Transaction<DB>, entries: FailureEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const { rows } = await sql<{ login_id: string }>`
    with b as (
      select * from unnest(
        ${entries.map((e) => e.loginId)}::text[], ${entries.map((e) => e.accountId)}::text[],
        ${entries.map((e) => e.recordId)}::uuid[], ${entries.map((e) => e.loggedInAt)}::timestamptz[],
        ${entries.map((e) => e.ip)}::inet[], ${entries.map((e) => e.country)}::text[],
        ${entries.map((e) => e.reason)}::text[], ${entries.map((e) => e.platform)}::text[],
        ${entries.map((e) => e.version)}::text[]
      ) as b(login_id, account_id, record_id, at, ip, country, reason, platform, version)
    ),
    ins as (
      insert into recorded_logins (login_id, account_id, logged_in_at, record_id, country, new_country)
      select login_id, account_id, at, record_id, country, false from b
      on conflict (login_id) do nothing
      returning login_id
    ),
    fresh as (select b.* from b join ins using (login_id)),
    history as (
      insert into logins (account_id, logged_in_at, id, login_id, ip, country, client_platform, client_version,
                          result, failure_reason)
      select account_id, at, record_id, login_id, ip, country, platform, version, 'failed', reason from fresh
    ),
    per_ip as (
      insert into ip_failures (ip, account_id, last_failed_at)
      select ip, account_id, max(at) from fresh group by ip, account_id order by ip, account_id
      on conflict (ip, account_id) do update
        set last_failed_at = greatest(ip_failures.last_failed_at, excluded.last_failed_at)
    ),
    per_minute as (
      insert into account_failure_minutes (account_id, minute, count)
      select account_id, date_trunc('minute', at), count(*) from fresh group by 1, 2 order by 1, 2
      on conflict (account_id, minute) do update set count = account_failure_minutes.count + excluded.count
    )
    select login_id from fresh
  `.execute(trx);
  return rows.map((r) => r.login_id);
}

/** Removes failure counts older than the cutoff (the maintenance job). */
export async function pruneFailureCounts(db: Transaction<DB> | import('kysely').Kysely<DB>, cutoff: Date) {
  const ip = await db.deleteFrom('ip_failures').where('last_failed_at', '<', cutoff).executeTakeFirst();
  const minutes = await db
    .deleteFrom('account_failure_minutes')
    .where('minute', '<', cutoff)
    .executeTakeFirst();
  return Number(ip.numDeletedRows) + Number(minutes.numDeletedRows);
}

import { Kysely, sql } from 'kysely';
import type { DB } from './schema';
import type { AccountHistory, HistoryFacts, HistoryPlan, LoginToRecord, PastLogin } from '../domain/history';
import type { CursorPosition } from '../domain/cursor';

type Db = Kysely<DB>;

/** Namespace of this service's advisory locks (the two-key form), so they collide with nothing else. */
const ACCOUNT_LOCK_CLASS = 0x4c48;

/**
 * Serialises work on these accounts until the transaction ends. Locks are taken in one global
 * order (by key), so two transactions locking overlapping sets of accounts cannot deadlock.
 * Accounts sharing a hash merely share a lock.
 */
export async function lockAccounts(trx: Db, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  // The ORDER BY sits in a subquery, which Postgres does not flatten: the locks are taken in
  // the subquery's output order.
  await sql`
    select pg_advisory_xact_lock(${ACCOUNT_LOCK_CLASS}::int, k)
    from (select distinct hashtext(a) as k from unnest(${accountIds}::text[]) as a order by k) as keys
  `.execute(trx);
}

export interface RecordedLogin extends HistoryFacts {
  loginId: string;
  accountId: string;
  recordId: string;
  loggedInAt: Date;
}

export async function findRecorded(db: Db, loginIds: string[]): Promise<Map<string, RecordedLogin>> {
  const out = new Map<string, RecordedLogin>();
  if (loginIds.length === 0) return out;
  const rows = await db
    .selectFrom('recorded_logins')
    .select([
      'login_id',
      'account_id',
      'record_id',
      'logged_in_at',
      'new_country',
      'previous_logged_in_at',
      'previous_country',
      sql<string | null>`host(previous_ip)`.as('previous_ip'),
    ])
    .where('login_id', 'in', loginIds)
    .execute();
  for (const r of rows) {
    out.set(r.login_id, {
      loginId: r.login_id,
      accountId: r.account_id,
      recordId: r.record_id,
      loggedInAt: r.logged_in_at,
      newCountry: r.new_country,
      previous:
        r.previous_logged_in_at && r.previous_ip
          ? { loggedInAt: r.previous_logged_in_at, ip: r.previous_ip, country: r.previous_country }
          : null,
    });
  }
  return out;
}

export async function loadAccountHistories(
  db: Db,
  accountIds: string[],
): Promise<Map<string, AccountHistory>> {
  const out = new Map<string, AccountHistory>();
  if (accountIds.length === 0) return out;
  const [latest, countries] = await Promise.all([
    db
      .selectFrom('account_last_logins')
      .select(['account_id', 'logged_in_at', 'record_id', 'country', sql<string>`host(ip)`.as('ip')])
      .where('account_id', 'in', accountIds)
      .execute(),
    db.selectFrom('account_countries').selectAll().where('account_id', 'in', accountIds).execute(),
  ]);
  const historyOf = (accountId: string) => {
    let h = out.get(accountId);
    if (!h) out.set(accountId, (h = { latest: null, countries: new Map() }));
    return h;
  };
  for (const r of latest) {
    historyOf(r.account_id).latest = {
      loggedInAt: r.logged_in_at,
      recordId: r.record_id,
      ip: r.ip,
      country: r.country,
    };
  }
  for (const r of countries) {
    historyOf(r.account_id).countries.set(r.country, {
      first: { loggedInAt: r.first_logged_in_at, recordId: r.first_record_id },
      lastLoggedInAt: r.last_logged_in_at,
    });
  }
  return out;
}

/** For each login, the account's latest recorded login before it (by time, then record id). */
export async function findLatestBefore(
  db: Db,
  logins: LoginToRecord[],
): Promise<Map<string, PastLogin | null>> {
  const out = new Map<string, PastLogin | null>(logins.map((l) => [l.recordId, null]));
  if (logins.length === 0) return out;
  const { rows } = await sql<{
    for_record: string;
    logged_in_at: Date;
    id: string;
    ip: string;
    country: string | null;
  }>`
    select b.record_id as for_record, p.logged_in_at, p.id, host(p.ip) as ip, p.country
    from unnest(${logins.map((l) => l.accountId)}::text[], ${logins.map((l) => l.loggedInAt)}::timestamptz[],
                ${logins.map((l) => l.recordId)}::uuid[]) as b(account_id, logged_in_at, record_id)
    cross join lateral (
      select l.logged_in_at, l.id, l.ip, l.country
      from logins l
      where l.account_id = b.account_id
        and l.logged_in_at <= b.logged_in_at
        and (l.logged_in_at, l.id) < (b.logged_in_at, b.record_id)
      order by l.logged_in_at desc, l.id desc
      limit 1
    ) as p
  `.execute(db);
  for (const r of rows)
    out.set(r.for_record, { loggedInAt: r.logged_in_at, recordId: r.id, ip: r.ip, country: r.country });
  return out;
}

export interface LoginRow {
  login: LoginToRecord;
  platform: string;
  version: string;
  facts: HistoryFacts;
}

/**
 * Inserts logins and their facts. The login id's primary key comes first: should two
 * transactions ever try to record the same login, the second fails here before writing history.
 */
export async function insertLogins(db: Db, rows: LoginRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('recorded_logins')
    .values(
      rows.map(({ login, facts }) => ({
        login_id: login.loginId,
        account_id: login.accountId,
        logged_in_at: login.loggedInAt,
        record_id: login.recordId,
        country: login.country,
        new_country: facts.newCountry,
        previous_logged_in_at: facts.previous?.loggedInAt ?? null,
        previous_ip: facts.previous?.ip ?? null,
        previous_country: facts.previous?.country ?? null,
      })),
    )
    .execute();
  await db
    .insertInto('logins')
    .values(
      rows.map(({ login, platform, version }) => ({
        account_id: login.accountId,
        logged_in_at: login.loggedInAt,
        id: login.recordId,
        ip: login.ip,
        country: login.country,
        client_platform: platform,
        client_version: version,
      })),
    )
    .execute();
}

/** Writes the summaries a plan changed; the caller holds the accounts' locks. */
export async function saveAccountSummaries(db: Db, plan: HistoryPlan): Promise<void> {
  if (plan.latest.size > 0) {
    await db
      .insertInto('account_last_logins')
      .values(
        [...plan.latest].map(([accountId, l]) => ({
          account_id: accountId,
          logged_in_at: l.loggedInAt,
          record_id: l.recordId,
          ip: l.ip,
          country: l.country,
        })),
      )
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet((eb) => ({
          logged_in_at: eb.ref('excluded.logged_in_at'),
          record_id: eb.ref('excluded.record_id'),
          ip: eb.ref('excluded.ip'),
          country: eb.ref('excluded.country'),
        })),
      )
      .execute();
  }
  if (plan.countries.length > 0) {
    await db
      .insertInto('account_countries')
      .values(
        plan.countries.map(({ accountId, country, seen }) => ({
          account_id: accountId,
          country,
          first_logged_in_at: seen.first.loggedInAt,
          first_record_id: seen.first.recordId,
          last_logged_in_at: seen.lastLoggedInAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['account_id', 'country']).doUpdateSet((eb) => ({
          first_logged_in_at: eb.ref('excluded.first_logged_in_at'),
          first_record_id: eb.ref('excluded.first_record_id'),
          last_logged_in_at: eb.ref('excluded.last_logged_in_at'),
        })),
      )
      .execute();
  }
}

export interface HistoryItem {
  id: string;
  loggedInAt: Date;
  ip: string;
  country: string | null;
  platform: string;
  version: string;
}

/**
 * One page of an account's history, newest first, strictly after `before` in that order. An
 * index scan (backwards) of each partition's primary key; the explicit time bound also lets the
 * planner skip partitions newer than the cursor.
 */
export function historyPageQuery(
  db: Db,
  accountId: string,
  opts: { limit: number; before?: CursorPosition },
) {
  let q = db
    .selectFrom('logins')
    .select([
      'id',
      'logged_in_at',
      sql<string>`host(ip)`.as('ip'),
      'country',
      'client_platform',
      'client_version',
    ])
    .where('account_id', '=', accountId);
  const before = opts.before;
  if (before) {
    q = q
      .where('logged_in_at', '<=', before.loggedInAt)
      .where((eb) => eb(eb.refTuple('logged_in_at', 'id'), '<', eb.tuple(before.loggedInAt, before.id)));
  }
  return q.orderBy('logged_in_at', 'desc').orderBy('id', 'desc').limit(opts.limit);
}

export async function listLogins(
  db: Db,
  accountId: string,
  opts: { limit: number; before?: CursorPosition },
): Promise<HistoryItem[]> {
  const rows = await historyPageQuery(db, accountId, opts).execute();
  return rows.map((r) => ({
    id: r.id,
    loggedInAt: r.logged_in_at,
    ip: r.ip,
    country: r.country,
    platform: r.client_platform,
    version: r.client_version,
  }));
}

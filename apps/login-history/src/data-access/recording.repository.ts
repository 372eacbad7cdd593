import { QueryCreator, Transaction, sql } from 'kysely';
import { withWrite } from '@account-security/shared';
import type { DB } from './tables';
import type {
  AccountHistory,
  HistoryFacts,
  HistoryPlan,
  LoginEntry,
  LoginToRecord,
  PastLogin,
  RecordedLogin,
} from '../domain/history';

/** Timestamps inside json_agg come back as text. */
const toDate = (v: string) => new Date(v);

/**
 * What recording a batch needs, in one round trip, read after the accounts are locked: the
 * logins of the batch already recorded (by login id, with the facts published for them) and the
 * accounts' summaries (latest login, countries seen). Each comes back as one JSON array.
 */
export async function readRecordingState(
  trx: Transaction<DB>,
  loginIds: string[],
  accountIds: string[],
): Promise<{ recorded: Map<string, RecordedLogin>; histories: Map<string, AccountHistory> }> {
  const { rows } = await sql<{
    recorded: {
      login_id: string;
      account_id: string;
      record_id: string;
      logged_in_at: string;
      new_country: boolean;
      previous_logged_in_at: string | null;
      previous_ip: string | null;
      previous_country: string | null;
    }[];
    latest: {
      account_id: string;
      logged_in_at: string;
      record_id: string;
      ip: string;
      country: string | null;
    }[];
    countries: {
      account_id: string;
      country: string;
      first_logged_in_at: string;
      first_record_id: string;
      last_logged_in_at: string;
    }[];
  }>`
    select
      (select coalesce(json_agg(json_build_object(
                'login_id', r.login_id, 'account_id', r.account_id, 'record_id', r.record_id,
                'logged_in_at', r.logged_in_at, 'new_country', r.new_country,
                'previous_logged_in_at', r.previous_logged_in_at, 'previous_ip', host(r.previous_ip),
                'previous_country', r.previous_country)), '[]')
         from recorded_logins r where r.login_id = any(${loginIds}::text[])) as recorded,
      (select coalesce(json_agg(json_build_object(
                'account_id', a.account_id, 'logged_in_at', a.logged_in_at, 'record_id', a.record_id,
                'ip', host(a.ip), 'country', a.country)), '[]')
         from account_last_logins a where a.account_id = any(${accountIds}::text[])) as latest,
      (select coalesce(json_agg(c), '[]')
         from account_countries c where c.account_id = any(${accountIds}::text[])) as countries
  `.execute(trx);
  const r = rows[0]!;
  const recorded = new Map<string, RecordedLogin>();
  for (const x of r.recorded) {
    recorded.set(x.login_id, {
      loginId: x.login_id,
      accountId: x.account_id,
      recordId: x.record_id,
      loggedInAt: toDate(x.logged_in_at),
      newCountry: x.new_country,
      previous:
        x.previous_logged_in_at && x.previous_ip
          ? { loggedInAt: toDate(x.previous_logged_in_at), ip: x.previous_ip, country: x.previous_country }
          : null,
    });
  }
  const histories = new Map<string, AccountHistory>();
  const historyOf = (accountId: string) => {
    let h = histories.get(accountId);
    if (!h) histories.set(accountId, (h = { latest: null, countries: new Map() }));
    return h;
  };
  for (const x of r.latest) {
    historyOf(x.account_id).latest = {
      loggedInAt: toDate(x.logged_in_at),
      recordId: x.record_id,
      ip: x.ip,
      country: x.country,
    };
  }
  for (const x of r.countries) {
    historyOf(x.account_id).countries.set(x.country, {
      first: { loggedInAt: toDate(x.first_logged_in_at), recordId: x.first_record_id },
      lastLoggedInAt: toDate(x.last_logged_in_at),
    });
  }
  return { recorded, histories };
}

/** For each login, the account's latest recorded login before it (by time, then record id). */
export async function findLatestBefore(
  trx: Transaction<DB>,
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
  `.execute(trx);
  for (const r of rows)
    out.set(r.for_record, { loggedInAt: r.logged_in_at, recordId: r.id, ip: r.ip, country: r.country });
  return out;
}

/**
 * Writes a batch's recording in one statement (one round trip): the idempotency rows with their
 * facts, the logins, and the summaries the plan changed (the caller holds the accounts' locks).
 * Should two transactions ever try to record the same login, the login id's primary key fails
 * the whole statement, history included.
 */
export async function writeRecording(
  trx: Transaction<DB>,
  rows: (LoginEntry & { facts: HistoryFacts })[],
  plan: HistoryPlan,
): Promise<void> {
  if (rows.length === 0) return;
  let q: QueryCreator<DB> = withWrite<DB>(trx, 'recorded', (qc) =>
    qc.insertInto('recorded_logins').values(
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
    ),
  );
  if (plan.latest.size > 0) {
    q = withWrite<DB>(q, 'latest', (qc) =>
      qc
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
        ),
    );
  }
  if (plan.countries.length > 0) {
    q = withWrite<DB>(q, 'countries', (qc) =>
      qc
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
        ),
    );
  }
  await q
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

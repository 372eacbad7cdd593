import { QueryCreator, Transaction, sql } from 'kysely';
import { insertRows, withWrite } from '@account-security/shared';
import type { DB } from './tables';
import { featureKey } from '../domain/features';
import type { Place } from '../domain/features';
import { FailureCounts, Population, countedOf } from '../domain/history';
import type {
  AccountHistory,
  HistoryExtra,
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
  logins: LoginToRecord[],
  accountIds: string[],
  failureWindowMinutes: number,
): Promise<{
  recorded: Map<string, RecordedLogin>;
  histories: Map<string, AccountHistory>;
  population: Population;
  failures: Map<string, FailureCounts>;
}> {
  const loginIds = logins.map((l) => l.loginId);
  const pairs = new Map<string, { kind: string; value: string }>();
  const triples: { accountId: string; kind: string; value: string }[] = [];
  for (const l of logins) {
    for (const c of countedOf(l.features ?? { prefix: '' })) {
      if (c.kind === 'prefix' && !l.features) continue;
      pairs.set(featureKey(c.kind, c.value), c);
      triples.push({ accountId: l.accountId, ...c });
    }
  }
  const global = [...pairs.values()];
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
      history: HistoryExtra | null;
    }[];
    latest: {
      account_id: string;
      logged_in_at: string;
      record_id: string;
      ip: string;
      country: string | null;
      latitude: number | null;
      longitude: number | null;
      location_source: Place['source'] | null;
    }[];
    countries: {
      account_id: string;
      country: string;
      first_logged_in_at: string;
      first_record_id: string;
      last_logged_in_at: string;
    }[];
    account_features: { account_id: string; kind: string; value: string; count: number }[];
    global_features: { kind: string; value: string; count: number }[];
    failures: { login_id: string; ip_accounts: number; account: number }[];
  }>`
    select
      (select coalesce(json_agg(json_build_object(
                'login_id', r.login_id, 'account_id', r.account_id, 'record_id', r.record_id,
                'logged_in_at', r.logged_in_at, 'new_country', r.new_country,
                'previous_logged_in_at', r.previous_logged_in_at, 'previous_ip', host(r.previous_ip),
                'previous_country', r.previous_country, 'history', r.history)), '[]')
         from recorded_logins r where r.login_id = any(${loginIds}::text[])) as recorded,
      (select coalesce(json_agg(json_build_object(
                'account_id', a.account_id, 'logged_in_at', a.logged_in_at, 'record_id', a.record_id,
                'ip', host(a.ip), 'country', a.country, 'latitude', a.latitude, 'longitude', a.longitude,
                'location_source', a.location_source)), '[]')
         from account_last_logins a where a.account_id = any(${accountIds}::text[])) as latest,
      (select coalesce(json_agg(c), '[]')
         from account_countries c where c.account_id = any(${accountIds}::text[])) as countries,
      (select coalesce(json_agg(json_build_object(
                'account_id', f.account_id, 'kind', f.kind, 'value', f.value, 'count', f.count)), '[]')
         from account_features f
         join (select distinct * from unnest(${triples.map((t) => t.accountId)}::text[],
                     ${triples.map((t) => t.kind)}::text[], ${triples.map((t) => t.value)}::text[])
               as k(account_id, kind, value)) k
           on (f.account_id, f.kind, f.value) = (k.account_id, k.kind, k.value)) as account_features,
      (select coalesce(json_agg(json_build_object('kind', g.kind, 'value', g.value, 'count', g.count)), '[]')
         from global_features g
         join unnest(${global.map((t) => t.kind)}::text[], ${global.map((t) => t.value)}::text[])
               as k(kind, value)
           on (g.kind, g.value) = (k.kind, k.value)) as global_features,
      (select coalesce(json_agg(json_build_object(
                'login_id', b.login_id,
                'ip_accounts', (select count(*) from ip_failures i
                                where i.ip = b.ip and i.last_failed_at <= b.at
                                  and i.last_failed_at >= b.at - make_interval(mins => ${failureWindowMinutes}::int)),
                'account', (select coalesce(sum(m.count), 0) from account_failure_minutes m
                            where m.account_id = b.account_id
                              and m.minute <= date_trunc('minute', b.at)
                              and m.minute > date_trunc('minute', b.at) - make_interval(mins => ${failureWindowMinutes}::int)))), '[]')
         from unnest(${loginIds}::text[], ${logins.map((l) => l.ip)}::inet[], ${logins.map((l) => l.accountId)}::text[],
                     ${logins.map((l) => l.loggedInAt)}::timestamptz[]) as b(login_id, ip, account_id, at)) as failures
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
      extra: x.history,
      previous:
        x.previous_logged_in_at && x.previous_ip
          ? { loggedInAt: toDate(x.previous_logged_in_at), ip: x.previous_ip, country: x.previous_country }
          : null,
    });
  }
  const histories = new Map<string, AccountHistory>();
  const historyOf = (accountId: string) => {
    let h = histories.get(accountId);
    if (!h) histories.set(accountId, (h = { latest: null, countries: new Map(), features: new Map() }));
    return h;
  };
  for (const x of r.latest) {
    historyOf(x.account_id).latest = {
      loggedInAt: toDate(x.logged_in_at),
      recordId: x.record_id,
      ip: x.ip,
      country: x.country,
      place:
        x.latitude !== null && x.longitude !== null && x.location_source
          ? { latitude: x.latitude, longitude: x.longitude, source: x.location_source }
          : null,
    };
  }
  for (const x of r.countries) {
    historyOf(x.account_id).countries.set(x.country, {
      first: { loggedInAt: toDate(x.first_logged_in_at), recordId: x.first_record_id },
      lastLoggedInAt: toDate(x.last_logged_in_at),
    });
  }
  for (const x of r.account_features) {
    historyOf(x.account_id).features!.set(featureKey(x.kind as never, x.value), Number(x.count));
  }
  const population: Population = {
    features: new Map(r.global_features.map((g) => [featureKey(g.kind as never, g.value), Number(g.count)])),
  };
  const failures = new Map<string, FailureCounts>(
    r.failures.map((f) => [
      f.login_id,
      { windowMinutes: failureWindowMinutes, ipAccounts: Number(f.ip_accounts), account: Number(f.account) },
    ]),
  );
  return { recorded, histories, population, failures };
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
    latitude: number | null;
    longitude: number | null;
    location_source: Place['source'] | null;
  }>`
    select b.record_id as for_record, p.logged_in_at, p.id, host(p.ip) as ip, p.country,
           p.latitude, p.longitude, p.location_source
    from unnest(${logins.map((l) => l.accountId)}::text[], ${logins.map((l) => l.loggedInAt)}::timestamptz[],
                ${logins.map((l) => l.recordId)}::uuid[]) as b(account_id, logged_in_at, record_id)
    cross join lateral (
      select l.logged_in_at, l.id, l.ip, l.country, l.latitude, l.longitude, l.location_source
      from logins l
      where l.account_id = b.account_id
        and l.result = 'succeeded'
        and l.logged_in_at <= b.logged_in_at
        and (l.logged_in_at, l.id) < (b.logged_in_at, b.record_id)
      order by l.logged_in_at desc, l.id desc
      limit 1
    ) as p
  `.execute(trx);
  for (const r of rows)
    out.set(r.for_record, {
      loggedInAt: r.logged_in_at,
      recordId: r.id,
      ip: r.ip,
      country: r.country,
      place:
        r.latitude !== null && r.longitude !== null && r.location_source
          ? { latitude: r.latitude, longitude: r.longitude, source: r.location_source }
          : null,
    });
  return out;
}

const RECORDED_COLUMNS = {
  login_id: 'text',
  account_id: 'text',
  logged_in_at: 'timestamptz',
  record_id: 'uuid',
  country: 'text',
  new_country: 'boolean',
  previous_logged_in_at: 'timestamptz',
  previous_ip: 'inet',
  previous_country: 'text',
  history: 'json',
  event_data: 'jsonb',
} as const;
const LATEST_COLUMNS = {
  account_id: 'text',
  logged_in_at: 'timestamptz',
  record_id: 'uuid',
  ip: 'inet',
  country: 'text',
  latitude: 'double precision',
  longitude: 'double precision',
  location_source: 'text',
} as const;
const COUNTRY_COLUMNS = {
  account_id: 'text',
  country: 'text',
  first_logged_in_at: 'timestamptz',
  first_record_id: 'uuid',
  last_logged_in_at: 'timestamptz',
} as const;
const ACCOUNT_FEATURE_COLUMNS = {
  account_id: 'text',
  kind: 'text',
  value: 'text',
  count: 'bigint',
  first_seen_at: 'timestamptz',
  last_seen_at: 'timestamptz',
} as const;
const GLOBAL_FEATURE_COLUMNS = { kind: 'text', value: 'text', count: 'bigint' } as const;
const LOGIN_COLUMNS = {
  account_id: 'text',
  logged_in_at: 'timestamptz',
  id: 'uuid',
  login_id: 'text',
  ip: 'inet',
  country: 'text',
  client_platform: 'text',
  client_version: 'text',
  latitude: 'double precision',
  longitude: 'double precision',
  location_source: 'text',
} as const;

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
    insertRows(
      qc,
      'recorded_logins',
      rows.map(({ login, facts, eventData }) => ({
        login_id: login.loginId,
        account_id: login.accountId,
        logged_in_at: login.loggedInAt,
        record_id: login.recordId,
        country: login.country,
        new_country: facts.newCountry,
        previous_logged_in_at: facts.previous?.loggedInAt ?? null,
        previous_ip: facts.previous?.ip ?? null,
        previous_country: facts.previous?.country ?? null,
        history: facts.extra ? JSON.stringify(facts.extra) : null,
        event_data: eventData ? JSON.stringify(eventData) : null,
      })),
      RECORDED_COLUMNS,
    ),
  );
  if (plan.latest.size > 0) {
    q = withWrite<DB>(q, 'latest', (qc) =>
      insertRows(
        qc,
        'account_last_logins',
        [...plan.latest].map(([accountId, l]) => ({
          account_id: accountId,
          logged_in_at: l.loggedInAt,
          record_id: l.recordId,
          ip: l.ip,
          country: l.country,
          latitude: l.place?.latitude ?? null,
          longitude: l.place?.longitude ?? null,
          location_source: l.place?.source ?? null,
        })),
        LATEST_COLUMNS,
      ).onConflict((oc) =>
        oc.column('account_id').doUpdateSet((eb) => ({
          logged_in_at: eb.ref('excluded.logged_in_at'),
          record_id: eb.ref('excluded.record_id'),
          ip: eb.ref('excluded.ip'),
          country: eb.ref('excluded.country'),
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
          location_source: eb.ref('excluded.location_source'),
        })),
      ),
    );
  }
  if (plan.countries.length > 0) {
    q = withWrite<DB>(q, 'countries', (qc) =>
      insertRows(
        qc,
        'account_countries',
        plan.countries.map(({ accountId, country, seen }) => ({
          account_id: accountId,
          country,
          first_logged_in_at: seen.first.loggedInAt,
          first_record_id: seen.first.recordId,
          last_logged_in_at: seen.lastLoggedInAt,
        })),
        COUNTRY_COLUMNS,
      ).onConflict((oc) =>
        oc.columns(['account_id', 'country']).doUpdateSet((eb) => ({
          first_logged_in_at: eb.ref('excluded.first_logged_in_at'),
          first_record_id: eb.ref('excluded.first_record_id'),
          last_logged_in_at: eb.ref('excluded.last_logged_in_at'),
        })),
      ),
    );
  }
  if (plan.accountFeatures.length > 0) {
    q = withWrite<DB>(q, 'account_features', (qc) =>
      insertRows(
        qc,
        'account_features',
        plan.accountFeatures.map((f) => ({
          account_id: f.accountId,
          kind: f.kind,
          value: f.value,
          count: f.count,
          first_seen_at: f.firstSeenAt,
          last_seen_at: f.lastSeenAt,
        })),
        ACCOUNT_FEATURE_COLUMNS,
      ).onConflict((oc) =>
        oc.columns(['account_id', 'kind', 'value']).doUpdateSet({
          count: sql`account_features.count + excluded.count`,
          first_seen_at: sql`least(account_features.first_seen_at, excluded.first_seen_at)`,
          last_seen_at: sql`greatest(account_features.last_seen_at, excluded.last_seen_at)`,
        }),
      ),
    );
  }
  if (plan.globalFeatures.length > 0) {
    // Rows of everyone's counts are shared by concurrent batches: an INSERT takes its row locks in
    // row order, and every batch lists them sorted by (kind, value), so none waits in a cycle.
    q = withWrite<DB>(q, 'global_features', (qc) =>
      insertRows(
        qc,
        'global_features',
        plan.globalFeatures.map((f) => ({ kind: f.kind, value: f.value, count: f.count })),
        GLOBAL_FEATURE_COLUMNS,
      ).onConflict((oc) =>
        oc.columns(['kind', 'value']).doUpdateSet({ count: sql`global_features.count + excluded.count` }),
      ),
    );
  }
  await insertRows(
    q,
    'logins',
    rows.map(({ login, platform, version }) => ({
      account_id: login.accountId,
      logged_in_at: login.loggedInAt,
      id: login.recordId,
      login_id: login.loginId,
      ip: login.ip,
      country: login.country,
      client_platform: platform,
      client_version: version,
      latitude: login.place?.latitude ?? null,
      longitude: login.place?.longitude ?? null,
      location_source: login.place?.source ?? null,
    })),
    LOGIN_COLUMNS,
  ).execute();
}

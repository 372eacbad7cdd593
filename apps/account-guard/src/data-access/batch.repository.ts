import { QueryCreator, sql } from 'kysely';
import { withWrite } from '@account-security/shared';
import type { Action } from '../domain/actions';
import type { NewAuditEntry } from '../domain/audit';
import type { AccountLock, ProtectionSettings } from '../domain/types';
import { NewAction, actionValues, toAction } from './action.repository';
import { auditValues } from './audit.repository';
import type { DB, Trx } from './db';
import { StoredDecision, toStoredDecision } from './decision.repository';
import { NewLock, lockValues, toAccountLock } from './lock.repository';
import { toStoredSettings } from './settings.repository';
import type { LockRow } from './tables/account-lock.table';
import type { ActionRow } from './tables/login-action.table';
import type { DecisionRow, NewDecisionRow } from './tables/login-decision.table';
import type { SettingsRow } from './tables/protection-settings.table';

export interface BatchState {
  /** Decisions that exist already (redeliveries), by login id. */
  decisions: Map<string, StoredDecision>;
  /** Stored protection settings, by account id (none: the defaults apply). */
  settings: Map<string, ProtectionSettings>;
  /** Locks in force, by account id. */
  locks: Map<string, AccountLock>;
  /** SPEC §8's answers that bear on the batch: see `AnswerKeys`. */
  answers: FoundAnswers;
}

/** What of the players' answers to look up: the batch's device keys, ASNs and reported_ip keys. */
export interface AnswerKeys {
  deviceKeys: string[];
  asns: number[];
  ipKeys: string[];
}

export interface FoundAnswers {
  /** Confirmed device keys (among those asked), by account id. */
  devices: Map<string, Set<string>>;
  /** Confirmed ASNs (among those asked), by account id. */
  networks: Map<string, Set<number>>;
  /** The latest "not me" of each ip key asked about that has one. */
  reports: Map<string, Date>;
}

/** A row as json_agg returns it: its timestamps are strings until revived. */
type JsonAggRow<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

/**
 * What a batch of logins is decided against, in one round trip: the decisions that exist for its
 * login ids, its accounts' settings and locks, and the players' answers that bear on its logins
 * (confirmed devices and networks, reported IPs). Read after the accounts are locked, so it is
 * what the decisions must see. Each table comes back as one JSON array; every list is one array
 * parameter, so the statement's text is the same whatever the batch.
 */
export async function readBatchState(
  trx: Trx,
  loginIds: string[],
  accountIds: string[],
  keys: AnswerKeys,
): Promise<BatchState> {
  const { rows } = await sql<{
    decisions: JsonAggRow<DecisionRow>[];
    settings: JsonAggRow<SettingsRow>[];
    locks: JsonAggRow<LockRow>[];
    devices: { account_id: string; device_key: string }[];
    networks: { account_id: string; asn: number }[];
    reports: { ip: string; reported_at: string }[];
  }>`
    select
      (select coalesce(json_agg(d), '[]') from login_decision d where d.login_id = any(${loginIds}::text[])) as decisions,
      (select coalesce(json_agg(s), '[]') from protection_settings s where s.account_id = any(${accountIds}::text[])) as settings,
      (select coalesce(json_agg(l), '[]') from account_lock l where l.account_id = any(${accountIds}::text[])) as locks,
      (select coalesce(json_agg(json_build_object('account_id', k.account_id, 'device_key', k.device_key)), '[]')
         from known_device k
         where k.account_id = any(${accountIds}::text[]) and k.device_key = any(${keys.deviceKeys}::text[])) as devices,
      (select coalesce(json_agg(json_build_object('account_id', n.account_id, 'asn', n.asn)), '[]')
         from known_network n
         where n.account_id = any(${accountIds}::text[]) and n.asn = any(${keys.asns}::bigint[])) as networks,
      (select coalesce(json_agg(json_build_object('ip', i.ip, 'reported_at', i.reported_at)), '[]')
         from reported_ip i where i.ip = any(${keys.ipKeys}::text[])) as reports
  `.execute(trx);
  const r = rows[0]!;
  const date = (v: string | null) => (v === null ? null : new Date(v));
  const answers: FoundAnswers = { devices: new Map(), networks: new Map(), reports: new Map() };
  for (const d of r.devices) addTo(answers.devices, d.account_id, d.device_key);
  for (const n of r.networks) addTo(answers.networks, n.account_id, Number(n.asn));
  for (const i of r.reports) answers.reports.set(i.ip, new Date(i.reported_at));
  return {
    answers,
    decisions: new Map(
      r.decisions.map((d) => [
        d.login_id,
        toStoredDecision({ ...d, assessed_published_at: date(d.assessed_published_at) }),
      ]),
    ),
    settings: new Map(
      r.settings.map((s) => [
        s.account_id,
        toStoredSettings({
          ...s,
          updated_at: new Date(s.updated_at),
          pending_email_since: date(s.pending_email_since),
          pending_phone_since: date(s.pending_phone_since),
        }).settings,
      ]),
    ),
    locks: new Map(
      r.locks.map((l) => [l.account_id, toAccountLock({ ...l, locked_at: new Date(l.locked_at) })]),
    ),
  };
}

function addTo<T>(map: Map<string, Set<T>>, key: string, value: T): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * Writes a batch's decisions in one statement (one round trip): the decision rows (a login
 * decided already is skipped), the new locks, the actions and the audit entries. Returns how many
 * decisions it inserted and the actions (in id order). The caller holds the accounts' locks.
 */
export async function writeDecisions(
  trx: Trx,
  w: {
    decisions: NewDecisionRow[];
    locks: NewLock[];
    actions: NewAction[];
    audits: NewAuditEntry[];
  },
): Promise<{ inserted: number; actions: Action[] }> {
  if (w.decisions.length === 0) return { inserted: 0, actions: [] };
  // The main statement's RETURNING reads how many decisions went in (see withWrite).
  let q = trx.with('decided', (qc) =>
    qc
      .insertInto('login_decision')
      .values(w.decisions)
      .onConflict((oc) => oc.column('login_id').doNothing())
      .returning('login_id'),
  ) as unknown as QueryCreator<DB>;
  if (w.locks.length > 0)
    q = withWrite<DB>(q, 'locks', (qc) => qc.insertInto('account_lock').values(lockValues(w.locks)));
  if (w.audits.length > 0)
    q = withWrite<DB>(q, 'audit', (qc) => qc.insertInto('audit_log').values(auditValues(w.audits)));
  const decidedCount = sql<number>`(select count(*)::int from decided)`.as('decided_count');
  if (w.actions.length === 0) {
    const r = await q.selectNoFrom([decidedCount]).executeTakeFirstOrThrow();
    return { inserted: Number(r.decided_count), actions: [] };
  }
  const rows = await q
    .insertInto('login_action')
    .values(actionValues(w.actions))
    .returningAll()
    .returning([decidedCount])
    .execute();
  const inserted = Number(rows[0]!.decided_count);
  const actions = rows
    .map(({ decided_count: _n, ...row }) => row as ActionRow)
    .sort((a, b) => a.id - b.id)
    .map(toAction);
  return { inserted, actions };
}

import { Kysely, RawBuilder, Transaction, sql } from 'kysely';
import type { DB } from './tables';
import type {
  AnswerEntry,
  AssessedAction,
  AssessedSignal,
  AssessmentEntry,
  OutcomeWrite,
  StoredOutcome,
} from '../domain/outcomes';

type Db = Kysely<DB> | Transaction<DB>;

const ASSESSMENT_COLUMNS = ['verdict', 'risk', 'reasons', 'signals', 'actions', 'shadow', 'assessed_at'];
const ANSWER_COLUMNS = ['answer', 'answered_by', 'answered_at'];

const ids = (columns: string[]) => sql.join(columns.map((c) => sql.id(c)));

/**
 * Each batch row checked before it is written: its account must be the login's when the login
 * is recorded, else the stored outcome's when there is one (an outcome of a login not yet
 * recorded is kept under the event's account, and a page shows it only if the login turns out
 * to be that account's). A row that passes is upserted (in login id order, so concurrent batches
 * lock rows in one order) and replaces only what is older (`newer`, on `login_outcomes` and
 * `excluded`). A stored outcome under another account than its now recorded login's is taken
 * over: the row moves to the login's account and forgets the other kind of outcome, which was
 * that other account's. Every row comes back with what became of it.
 */
async function upsertChecked(
  db: Db,
  rows: object[],
  spec: {
    /** The batch row's columns and types (jsonb_to_recordset), `at` its event time. */
    recordType: RawBuilder<unknown>;
    /** The outcome columns this write sets, and the batch row's values for them. */
    own: string[];
    values: RawBuilder<unknown>;
    /** The other kind's columns: kept, or cleared on a takeover. */
    other: string[];
    newer: RawBuilder<unknown>;
  },
): Promise<Map<string, OutcomeWrite>> {
  if (rows.length === 0) return new Map();
  const same = sql`login_outcomes.account_id = excluded.account_id`;
  const set = sql.join([
    ...spec.own.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`),
    ...spec.other.map((c) => sql`${sql.id(c)} = case when ${same} then login_outcomes.${sql.id(c)} end`),
    sql`account_id = excluded.account_id`,
    sql`last_event_at = case when ${same}
          then greatest(login_outcomes.last_event_at, excluded.last_event_at) else excluded.last_event_at end`,
  ]);
  const { rows: out } = await sql<{ login_id: string; outcome: OutcomeWrite }>`
    with b as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as b(${spec.recordType})
    ),
    checked as (
      select b.*, coalesce(r.account_id <> b.account_id, o.account_id <> b.account_id, false) as mismatch
      from b
      left join recorded_logins r on r.login_id = b.login_id
      left join login_outcomes o on o.login_id = b.login_id
    ),
    up as (
      insert into login_outcomes (login_id, record_id, account_id, ${ids(spec.own)}, last_event_at)
      select login_id, record_id, account_id, ${spec.values}, at from checked
      where not mismatch
      order by login_id
      on conflict (login_id) do update set ${set}
        where not (${same}) or (${spec.newer})
      returning login_id
    )
    select c.login_id,
           case when c.mismatch then 'account_mismatch' when u.login_id is not null then 'stored' else 'stale' end
             as outcome
    from checked c left join up u on u.login_id = c.login_id
  `.execute(db);
  return new Map(out.map((r) => [r.login_id, r.outcome]));
}

/** Stores assessments (one per login); by login id, what became of each. */
export function writeAssessments(db: Db, entries: AssessmentEntry[]): Promise<Map<string, OutcomeWrite>> {
  return upsertChecked(
    db,
    entries.map((e) => ({
      login_id: e.loginId,
      record_id: e.recordId,
      account_id: e.accountId,
      verdict: e.verdict,
      risk: e.risk,
      reasons: e.reasons,
      signals: e.signals,
      actions: e.actions,
      shadow: e.shadow ?? null,
      at: e.at.toISOString(),
    })),
    {
      recordType: sql`login_id text, record_id uuid, account_id text, verdict text, risk smallint,
                      reasons jsonb, signals jsonb, actions jsonb, shadow boolean, at timestamptz`,
      own: ASSESSMENT_COLUMNS,
      values: sql`verdict, risk, reasons, signals, actions, shadow, at`,
      other: ANSWER_COLUMNS,
      // assessmentSupersedes (domain/outcomes.ts): enforced over shadow, else the later; the same
      // time is a redelivery (account-guard stamps an assessment with its login's time): the
      // first one stays.
      newer: sql`login_outcomes.assessed_at is null
                 or (coalesce(login_outcomes.shadow, false) and not coalesce(excluded.shadow, false))
                 or (coalesce(login_outcomes.shadow, false) = coalesce(excluded.shadow, false)
                     and excluded.assessed_at > login_outcomes.assessed_at)`,
    },
  );
}

/** Stores answers (one per login); by login id, what became of each. */
export function writeAnswers(db: Db, entries: AnswerEntry[]): Promise<Map<string, OutcomeWrite>> {
  return upsertChecked(
    db,
    entries.map((e) => ({
      login_id: e.loginId,
      record_id: e.recordId,
      account_id: e.accountId,
      answer: e.answer,
      answered_by: e.by ?? null,
      at: e.at.toISOString(),
    })),
    {
      recordType: sql`login_id text, record_id uuid, account_id text, answer text, answered_by text,
                      at timestamptz`,
      own: ANSWER_COLUMNS,
      values: sql`answer, answered_by, at`,
      other: ASSESSMENT_COLUMNS,
      // answerSupersedes (domain/outcomes.ts): "not me" over "me" whatever the times; of two
      // alike, the later.
      newer: sql`login_outcomes.answered_at is null
                 or (excluded.answer = 'not_me' and login_outcomes.answer = 'me')
                 or (excluded.answer = login_outcomes.answer
                     and excluded.answered_at > login_outcomes.answered_at)`,
    },
  );
}

/**
 * The outcomes of one page's logins (by record id), of this account only: one keyed lookup per
 * page, not per item.
 */
export async function outcomesOf(
  db: Db,
  accountId: string,
  recordIds: string[],
): Promise<Map<string, StoredOutcome>> {
  if (recordIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('login_outcomes')
    .select([
      'record_id',
      'account_id',
      'verdict',
      'risk',
      'reasons',
      'signals',
      'actions',
      'shadow',
      'answer',
    ])
    .where('record_id', 'in', recordIds)
    .where('account_id', '=', accountId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.record_id,
      {
        recordId: r.record_id,
        accountId: r.account_id,
        assessment:
          r.verdict === null
            ? null
            : {
                verdict: r.verdict,
                risk: Number(r.risk),
                reasons: r.reasons as string[],
                signals: r.signals as AssessedSignal[],
                actions: r.actions as AssessedAction[],
                shadow: r.shadow,
              },
        answer: r.answer,
      },
    ]),
  );
}

/**
 * Retention of outcomes whose login is not recorded (it never came, or is purged already):
 * those whose latest event is older than the cutoff, up to `batchSize` per call. Outcomes of
 * recorded logins go with their login (`deleteOutcomesOf`).
 */
export async function purgeOrphanOutcomes(db: Db, cutoff: Date, batchSize: number): Promise<number> {
  const { numAffectedRows } = await sql`
    delete from login_outcomes
    where login_id in (
      select o.login_id from login_outcomes o
      where o.last_event_at < ${cutoff}
        and not exists (select 1 from recorded_logins r where r.login_id = o.login_id)
      order by o.last_event_at
      limit ${batchSize}
    )
  `.execute(db);
  return Number(numAffectedRows ?? 0);
}

/** The outcomes of these logins (purged with them). */
export async function deleteOutcomesOf(db: Db, loginIds: string[]): Promise<number> {
  if (loginIds.length === 0) return 0;
  const res = await db.deleteFrom('login_outcomes').where('login_id', 'in', loginIds).executeTakeFirst();
  return Number(res.numDeletedRows);
}

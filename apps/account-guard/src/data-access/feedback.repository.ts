import type { FeedbackAnswer, FeedbackResult } from '@account-security/shared/contracts';
import { sql } from 'kysely';
import type { AnsweredLogin } from '../domain/feedback';
import type { Executor, Trx } from './db';
import { NewLock, lockValues } from './lock.repository';

/** How many long-expired answer links each new one clears (see insertFeedbackToken). */
export const FEEDBACK_TOKEN_PRUNE_BATCH = 100;

/**
 * Stores a one-time answer link's hash for a login's notice; returns its expiry. In the same
 * statement it deletes up to FEEDBACK_TOKEN_PRUNE_BATCH links that expired more than a day ago
 * (an indexed range), so the table keeps about a day beyond the links' lifetime without a sweep
 * of its own: every notice mints one, so the deletes keep pace with the inserts.
 */
export async function insertFeedbackToken(
  db: Executor,
  t: { tokenHash: string; loginId: string; accountId: string; actionId: number | null; ttlMinutes: number },
): Promise<{ expiresAt: Date }> {
  const r = await sql<{ expires_at: Date }>`
    with pruned as (
      delete from feedback_token where token_hash in (
        select token_hash from feedback_token
         where expires_at < now() - interval '1 day'
         limit ${FEEDBACK_TOKEN_PRUNE_BATCH}))
    insert into feedback_token (token_hash, login_id, account_id, action_id, expires_at)
    values (${t.tokenHash}, ${t.loginId}, ${t.accountId}, ${t.actionId}, now() + ${t.ttlMinutes} * interval '1 minute')
    returning expires_at`.execute(db);
  return { expiresAt: r.rows[0]!.expires_at };
}

export interface StoredFeedbackToken {
  loginId: string;
  accountId: string;
  used: boolean;
  /** By the database's clock, which set the expiry. */
  expired: boolean;
}

function tokenQuery(db: Executor, tokenHash: string) {
  return db
    .selectFrom('feedback_token')
    .select(['login_id', 'account_id', 'used_at'])
    .select(sql<boolean>`expires_at <= now()`.as('expired'))
    .where('token_hash', '=', tokenHash);
}

const toToken = (r: {
  login_id: string;
  account_id: string;
  used_at: Date | null;
  expired: boolean;
}): StoredFeedbackToken => ({
  loginId: r.login_id,
  accountId: r.account_id,
  used: r.used_at !== null,
  expired: r.expired,
});

export async function findFeedbackToken(
  db: Executor,
  tokenHash: string,
): Promise<StoredFeedbackToken | undefined> {
  const r = await tokenQuery(db, tokenHash).executeTakeFirst();
  return r && toToken(r);
}

/** The token, its row locked until the transaction ends. */
export async function lockFeedbackToken(
  trx: Trx,
  tokenHash: string,
): Promise<StoredFeedbackToken | undefined> {
  const r = await tokenQuery(trx, tokenHash).forUpdate().executeTakeFirst();
  return r && toToken(r);
}

export async function markFeedbackTokenUsed(trx: Trx, tokenHash: string, now: Date): Promise<void> {
  await trx.updateTable('feedback_token').set({ used_at: now }).where('token_hash', '=', tokenHash).execute();
}

/** A login account-guard decided, as an answer needs it; undefined when unknown or another account's. */
export async function findAnsweredLogin(
  db: Executor,
  accountId: string,
  loginId: string,
): Promise<AnsweredLogin | undefined> {
  const r = await db
    .selectFrom('login_decision')
    .select(['login_id', 'account_id', 'ip', 'country', 'home_country', 'logged_in_at', 'device_key', 'asn'])
    .where('login_id', '=', loginId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return (
    r && {
      loginId: r.login_id,
      accountId: r.account_id,
      ip: r.ip,
      country: r.country,
      homeCountry: r.home_country,
      loggedInAt: r.logged_in_at,
      deviceKey: r.device_key ?? null,
      asn: r.asn ?? null,
    }
  );
}

export async function findAnswer(db: Executor, loginId: string): Promise<FeedbackAnswer | null> {
  const r = await db
    .selectFrom('login_feedback')
    .select('answer')
    .where('login_id', '=', loginId)
    .executeTakeFirst();
  return r?.answer ?? null;
}

export async function saveAnswer(
  trx: Trx,
  a: { loginId: string; accountId: string; answer: FeedbackAnswer; by: string; at: Date },
): Promise<void> {
  const values = { answer: a.answer, answered_by: a.by, answered_at: a.at };
  await trx
    .insertInto('login_feedback')
    .values({ login_id: a.loginId, account_id: a.accountId, ...values })
    .onConflict((oc) => oc.column('login_id').doUpdateSet(values))
    .execute();
}

/**
 * The result an answer returned when it was first given: kept in its `feedback` audit entry
 * (the trail is append-only, so it stays what it was).
 */
export async function findStoredResult(
  db: Executor,
  accountId: string,
  loginId: string,
  answer: FeedbackAnswer,
): Promise<{ result: FeedbackResult; details: Record<string, unknown> } | undefined> {
  const r = await db
    .selectFrom('audit_log')
    .select('details')
    .where('account_id', '=', accountId)
    .where('login_id', '=', loginId)
    .where('action', '=', 'feedback')
    .where(sql<boolean>`details->>'answer' = ${answer}`)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const details = r?.details as ({ result?: FeedbackResult } & Record<string, unknown>) | undefined;
  return details?.result && { result: details.result, details };
}

/** "It was me": the device becomes known; true when it is (now or already). */
export async function insertKnownDevice(
  trx: Trx,
  k: { accountId: string; deviceKey: string; loginId: string; at: Date },
): Promise<void> {
  await trx
    .insertInto('known_device')
    .values({ account_id: k.accountId, device_key: k.deviceKey, login_id: k.loginId, confirmed_at: k.at })
    .onConflict((oc) => oc.columns(['account_id', 'device_key']).doNothing())
    .execute();
}

export async function insertKnownNetwork(
  trx: Trx,
  k: { accountId: string; asn: number; loginId: string; at: Date },
): Promise<void> {
  await trx
    .insertInto('known_network')
    .values({ account_id: k.accountId, asn: k.asn, login_id: k.loginId, confirmed_at: k.at })
    .onConflict((oc) => oc.columns(['account_id', 'asn']).doNothing())
    .execute();
}

/** "Not me" after "me": what that "me" made known is forgotten again. */
export async function forgetKnownOf(trx: Trx, accountId: string, loginId: string): Promise<void> {
  await trx
    .deleteFrom('known_device')
    .where('account_id', '=', accountId)
    .where('login_id', '=', loginId)
    .execute();
  await trx
    .deleteFrom('known_network')
    .where('account_id', '=', accountId)
    .where('login_id', '=', loginId)
    .execute();
}

export async function insertLock(trx: Trx, lock: NewLock): Promise<void> {
  await trx
    .insertInto('account_lock')
    .values(lockValues([lock]))
    .execute();
}

/**
 * "Not me" on a locked account: the unlock links already sent for its lock stop working (they
 * read as expired), so only support can unlock it now.
 */
export async function expireUnlockTokensOf(trx: Trx, lockId: string): Promise<void> {
  await sql`update unlock_token set expires_at = least(expires_at, now())
     where lock_id = ${lockId}::uuid and used_at is null`.execute(trx);
}

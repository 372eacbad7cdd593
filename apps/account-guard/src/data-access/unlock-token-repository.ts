import { sql } from 'kysely';
import type { Executor, TokenRow } from './schema';

/**
 * Stores a token's hash, but only while the lock it unlocks is still in force; returns its
 * expiry, or undefined when the lock has already ended.
 */
export async function insertTokenForActiveLock(
  db: Executor,
  t: { tokenHash: string; lockId: string; accountId: string; actionId: number | null; ttlMinutes: number },
): Promise<{ expires_at: Date } | undefined> {
  const r = await sql<{ expires_at: Date }>`
    insert into unlock_token (token_hash, lock_id, account_id, action_id, expires_at)
    select ${t.tokenHash}, ${t.lockId}::uuid, ${t.accountId}, ${t.actionId}, now() + ${t.ttlMinutes} * interval '1 minute'
     where exists (select 1 from account_lock where lock_id = ${t.lockId}::uuid)
    returning expires_at`.execute(db);
  return r.rows[0];
}

export async function findToken(
  db: Executor,
  tokenHash: string,
  forUpdate = false,
): Promise<(TokenRow & { expired: boolean }) | undefined> {
  let q = db
    .selectFrom('unlock_token')
    .selectAll()
    .select(sql<boolean>`expires_at <= now()`.as('expired'))
    .where('token_hash', '=', tokenHash);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function markTokenUsed(trx: Executor, tokenHash: string): Promise<void> {
  await trx
    .updateTable('unlock_token')
    .set({ used_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .execute();
}

import { sql } from 'kysely';
import type { Executor, Trx } from './db';

/**
 * Stores a token's hash, but only while the lock it unlocks is still in force and the player may
 * end it; returns its expiry, `{ supportOnly: true }` when a "not me" left that lock to support
 * (nothing stored), or undefined when the lock has already ended.
 */
export async function insertTokenForActiveLock(
  db: Executor,
  t: { tokenHash: string; lockId: string; accountId: string; actionId: number | null; ttlMinutes: number },
): Promise<{ expiresAt: Date } | { supportOnly: true } | undefined> {
  const r = await sql<{ expires_at: Date }>`
    insert into unlock_token (token_hash, lock_id, account_id, action_id, expires_at)
    select ${t.tokenHash}, ${t.lockId}::uuid, ${t.accountId}, ${t.actionId}, now() + ${t.ttlMinutes} * interval '1 minute'
     where exists (select 1 from account_lock where lock_id = ${t.lockId}::uuid and not support_only)
    returning expires_at`.execute(db);
  const row = r.rows[0];
  if (row) return { expiresAt: row.expires_at };
  const lock = await db
    .selectFrom('account_lock')
    .select('support_only')
    .where('lock_id', '=', t.lockId)
    .executeTakeFirst();
  return lock?.support_only ? { supportOnly: true } : undefined;
}

export interface StoredToken {
  accountId: string;
  lockId: string;
  createdAt: Date;
  used: boolean;
  /** By the database's clock, which set the expiry. */
  expired: boolean;
}

function tokenQuery(db: Executor, tokenHash: string) {
  return db
    .selectFrom('unlock_token')
    .select(['account_id', 'lock_id', 'created_at', 'used_at'])
    .select(sql<boolean>`expires_at <= now()`.as('expired'))
    .where('token_hash', '=', tokenHash);
}

const toStoredToken = (r: {
  account_id: string;
  lock_id: string;
  created_at: Date;
  used_at: Date | null;
  expired: boolean;
}): StoredToken => ({
  accountId: r.account_id,
  lockId: r.lock_id,
  createdAt: r.created_at,
  used: r.used_at !== null,
  expired: r.expired,
});

export async function findToken(db: Executor, tokenHash: string): Promise<StoredToken | undefined> {
  const r = await tokenQuery(db, tokenHash).executeTakeFirst();
  return r && toStoredToken(r);
}

/** The token, its row locked until the transaction ends (spending it is decided under the lock). */
export async function lockToken(trx: Trx, tokenHash: string): Promise<StoredToken | undefined> {
  const r = await tokenQuery(trx, tokenHash).forUpdate().executeTakeFirst();
  return r && toStoredToken(r);
}

export async function markTokenUsed(trx: Trx, tokenHash: string, now: Date): Promise<void> {
  await trx.updateTable('unlock_token').set({ used_at: now }).where('token_hash', '=', tokenHash).execute();
}

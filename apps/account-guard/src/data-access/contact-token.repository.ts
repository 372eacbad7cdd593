import { sql } from 'kysely';
import type { Executor, Trx } from './db';

/**
 * Stores a verification token's hash, but only while `address` is still the account's pending
 * contact of that kind; returns its expiry, or undefined when the address is no longer pending
 * (verified, replaced again or cancelled since the link was asked for).
 */
export async function insertTokenForPendingContact(
  db: Executor,
  t: {
    tokenHash: string;
    accountId: string;
    contact: 'email' | 'phone';
    address: string;
    actionId: number | null;
    ttlMinutes: number;
  },
): Promise<{ expiresAt: Date } | undefined> {
  const column = sql.ref(t.contact === 'email' ? 'pending_email' : 'pending_phone');
  const r = await sql<{ expires_at: Date }>`
    insert into contact_token (token_hash, account_id, contact, address, action_id, expires_at)
    select ${t.tokenHash}, ${t.accountId}, ${t.contact}, ${t.address}, ${t.actionId}, now() + ${t.ttlMinutes} * interval '1 minute'
     where exists (select 1 from protection_settings where account_id = ${t.accountId} and ${column} = ${t.address})
    returning expires_at`.execute(db);
  const row = r.rows[0];
  return row && { expiresAt: row.expires_at };
}

export interface StoredContactToken {
  accountId: string;
  contact: 'email' | 'phone';
  address: string;
  used: boolean;
  /** By the database's clock, which set the expiry. */
  expired: boolean;
}

function tokenQuery(db: Executor, tokenHash: string) {
  return db
    .selectFrom('contact_token')
    .select(['account_id', 'contact', 'address', 'used_at'])
    .select(sql<boolean>`expires_at <= now()`.as('expired'))
    .where('token_hash', '=', tokenHash);
}

const toStored = (r: {
  account_id: string;
  contact: 'email' | 'phone';
  address: string;
  used_at: Date | null;
  expired: boolean;
}): StoredContactToken => ({
  accountId: r.account_id,
  contact: r.contact,
  address: r.address,
  used: r.used_at !== null,
  expired: r.expired,
});

export async function findContactToken(
  db: Executor,
  tokenHash: string,
): Promise<StoredContactToken | undefined> {
  const r = await tokenQuery(db, tokenHash).executeTakeFirst();
  return r && toStored(r);
}

/** The token with its row locked until the transaction ends. */
export async function lockContactToken(trx: Trx, tokenHash: string): Promise<StoredContactToken | undefined> {
  const r = await tokenQuery(trx, tokenHash).forUpdate().executeTakeFirst();
  return r && toStored(r);
}

export async function markContactTokenUsed(trx: Trx, tokenHash: string, now: Date): Promise<void> {
  await trx.updateTable('contact_token').set({ used_at: now }).where('token_hash', '=', tokenHash).execute();
}

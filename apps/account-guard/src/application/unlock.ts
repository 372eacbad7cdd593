import { ACCOUNT_UNLOCKED, followUp } from '@account-security/shared';
import { AuditEntry, appendAudit } from '../data-access/audit-repository';
import { deleteLock, findLock, serializeAccount } from '../data-access/lock-repository';
import { insertOutboxEvent } from '../data-access/outbox-repository';
import type { Executor, LockRow } from '../data-access/schema';
import { findSettings } from '../data-access/settings-repository';
import { findToken, markTokenUsed } from '../data-access/unlock-token-repository';
import {
  DomainError,
  accountNotLocked,
  lockEnded,
  unlockTokenExpired,
  unlockTokenNotFound,
  unlockTokenUsed,
} from '../domain/errors';
import type { UnlockPageState } from '../domain/templates';
import type { Actor, Locale } from '../domain/types';
import { hashUnlockToken, isWellFormedUnlockToken } from '../domain/unlock-token';
import { AppContext, SOURCE } from './context';

export interface Unlocked {
  accountId: string;
  unlockedAt: string;
  by: Actor;
}

/**
 * Ends a lock inside the caller's transaction: the lock row goes, the audit trail and the
 * outbox get their entries. account.unlocked carries the locking login's identity and an id
 * derived from the lock, so publishing it twice is harmless.
 */
async function endLock(
  trx: Executor,
  lock: LockRow,
  by: Actor,
  reason: string,
  details: Record<string, unknown>,
): Promise<Unlocked> {
  await deleteLock(trx, lock.account_id, lock.lock_id);
  const at = new Date().toISOString();
  await appendAudit(trx, {
    accountId: lock.account_id,
    action: 'account_unlocked',
    actor: by,
    reason,
    loginId: lock.login_id,
    details: { lockId: lock.lock_id, lockedAt: lock.locked_at.toISOString(), ...details },
  });
  const origin = lock.login_id ?? lock.lock_id;
  await insertOutboxEvent(
    trx,
    followUp(
      { id: origin, correlationid: origin, subject: lock.account_id },
      ACCOUNT_UNLOCKED,
      { accountId: lock.account_id, reason, by, at },
      { source: SOURCE, qualifier: lock.lock_id, time: at },
    ),
  );
  return { accountId: lock.account_id, unlockedAt: at, by };
}

export async function unlockBySupport(
  ctx: AppContext,
  accountId: string,
  staff: Actor,
  reason: string,
): Promise<Unlocked> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    await serializeAccount(trx, accountId);
    const lock = await findLock(trx, accountId);
    if (!lock) throw accountNotLocked();
    return endLock(trx, lock, staff, reason, {});
  });
  ctx.metrics.unlocks.inc({ by: 'support' });
  ctx.wakeWorker();
  return result;
}

type Redeemed = { ok: true; unlocked: Unlocked } | { ok: false; error: DomainError; audit?: AuditEntry };

/**
 * The player's one-time link: valid when it exists, is unused, has not expired and belongs to
 * the lock still in force. Spending it and ending the lock happen in one transaction.
 */
export async function redeemUnlockToken(ctx: AppContext, token: string): Promise<Unlocked> {
  if (!isWellFormedUnlockToken(token)) throw unlockTokenNotFound();
  const hash = hashUnlockToken(token);
  const peek = await findToken(ctx.db, hash);
  if (!peek) throw unlockTokenNotFound();

  const outcome = await ctx.db.transaction().execute(async (trx): Promise<Redeemed> => {
    await serializeAccount(trx, peek.account_id);
    const t = (await findToken(trx, hash, true))!;
    const refuse = (error: DomainError): Redeemed => ({
      ok: false,
      error,
      audit: {
        accountId: t.account_id,
        action: 'unlock_refused',
        actor: 'player',
        reason: error.code,
        details: { lockId: t.lock_id },
      },
    });
    if (t.used_at) return refuse(unlockTokenUsed());
    if (t.expired) return refuse(unlockTokenExpired());
    const lock = await findLock(trx, t.account_id);
    if (!lock || lock.lock_id !== t.lock_id) return refuse(lockEnded());
    await markTokenUsed(trx, hash);
    return {
      ok: true,
      unlocked: await endLock(trx, lock, 'player', 'unlocked by the player with the one-time link', {
        tokenIssuedAt: t.created_at.toISOString(),
      }),
    };
  });

  if (!outcome.ok) {
    if (outcome.audit) await appendAudit(ctx.db, outcome.audit);
    throw outcome.error;
  }
  ctx.metrics.unlocks.inc({ by: 'player' });
  ctx.wakeWorker();
  return outcome.unlocked;
}

export interface TokenInspection {
  state: UnlockPageState;
  locale: Locale | null;
  accountId?: string;
  lockedAt?: string;
}

/** What the confirmation page shows; reads only, so link scanners spend nothing. */
export async function inspectUnlockToken(ctx: AppContext, token: string): Promise<TokenInspection> {
  if (!isWellFormedUnlockToken(token)) return { state: 'not_found', locale: null };
  const t = await findToken(ctx.db, hashUnlockToken(token));
  if (!t) return { state: 'not_found', locale: null };
  const settings = await findSettings(ctx.db, t.account_id);
  const locale = (settings?.locale as Locale | undefined) ?? ctx.config.DEFAULT_LOCALE;
  if (t.used_at) return { state: 'used', locale };
  if (t.expired) return { state: 'expired', locale };
  const lock = await findLock(ctx.db, t.account_id);
  if (!lock || lock.lock_id !== t.lock_id) return { state: 'not_locked', locale };
  return { state: 'confirm', locale, accountId: t.account_id, lockedAt: lock.locked_at.toISOString() };
}

/** The page state for a refusal's error code. */
export function pageStateOf(error: DomainError): UnlockPageState {
  switch (error.code) {
    case 'UNLOCK.TOKEN_USED':
      return 'used';
    case 'UNLOCK.TOKEN_EXPIRED':
      return 'expired';
    case 'ACCOUNT.NOT_LOCKED':
      return 'not_locked';
    default:
      return 'not_found';
  }
}

export async function localeOfAccount(ctx: AppContext, accountId: string): Promise<Locale> {
  const s = await findSettings(ctx.db, accountId);
  return (s?.locale as Locale | undefined) ?? ctx.config.DEFAULT_LOCALE;
}

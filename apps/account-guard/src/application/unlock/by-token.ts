import type { DomainError } from '@account-security/shared';
import { appendAudit } from '../../data-access/audit.repository';
import { findLock, lockAccount } from '../../data-access/lock.repository';
import { findSettings } from '../../data-access/settings.repository';
import { findToken, lockToken, markTokenUsed } from '../../data-access/unlock-token.repository';
import { NewAuditEntry, unlockRefusedEntry } from '../../domain/audit';
import {
  lockEnded,
  unlockSupportOnly,
  unlockTokenExpired,
  unlockTokenNotFound,
  unlockTokenUsed,
} from '../../domain/errors';
import type { UnlockPageState } from '../../domain/templates';
import type { Locale } from '../../domain/types';
import { hashUnlockToken, isWellFormedUnlockToken } from '../../domain/unlock-token';
import type { AppContext } from '../context';
import { Unlocked, endLock } from './end-lock';

type Redeemed = { ok: true; unlocked: Unlocked } | { ok: false; error: DomainError; audit: NewAuditEntry };

/**
 * The player's one-time link: valid when it exists, is unused, has not expired and belongs to
 * the lock still in force, unless a "not me" made that lock support's alone (UNLOCK.SUPPORT_ONLY,
 * told before an expiry: the "not me" also expired the lock's links). Spending it and ending the lock happen in one transaction; a refusal
 * is audited after that transaction, so it stays on record.
 */
export async function redeemUnlockToken(ctx: AppContext, token: string): Promise<Unlocked> {
  if (!isWellFormedUnlockToken(token)) throw unlockTokenNotFound();
  const hash = hashUnlockToken(token);
  const peek = await findToken(ctx.db, hash);
  if (!peek) throw unlockTokenNotFound();

  const outcome = await ctx.db.transaction().execute(async (trx): Promise<Redeemed> => {
    await lockAccount(trx, peek.accountId);
    const t = (await lockToken(trx, hash))!;
    const refuse = (error: DomainError): Redeemed => ({
      ok: false,
      error,
      audit: unlockRefusedEntry(t, error.code),
    });
    if (t.used) return refuse(unlockTokenUsed());
    const lock = await findLock(trx, t.accountId);
    const ours = lock && lock.lockId === t.lockId ? lock : undefined;
    if (ours?.supportOnly) return refuse(unlockSupportOnly());
    if (t.expired) return refuse(unlockTokenExpired());
    if (!ours) return refuse(lockEnded());
    const now = ctx.clock();
    await markTokenUsed(trx, hash, now);
    const unlocked = await endLock(trx, ours, {
      by: 'player',
      reason: 'unlocked by the player with the one-time link',
      at: now,
      details: { tokenIssuedAt: t.createdAt.toISOString() },
    });
    return { ok: true, unlocked };
  });

  if (!outcome.ok) {
    await appendAudit(ctx.db, outcome.audit);
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
  const locale = await localeOfAccount(ctx, t.accountId);
  if (t.used) return { state: 'used', locale };
  const lock = await findLock(ctx.db, t.accountId);
  const ours = lock && lock.lockId === t.lockId;
  if (ours && lock.supportOnly) return { state: 'support_only', locale };
  if (t.expired) return { state: 'expired', locale };
  if (!ours) return { state: 'not_locked', locale };
  return { state: 'confirm', locale, accountId: t.accountId, lockedAt: lock.lockedAt.toISOString() };
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
    case 'UNLOCK.SUPPORT_ONLY':
      return 'support_only';
    default:
      return 'not_found';
  }
}

export async function localeOfAccount(ctx: AppContext, accountId: string): Promise<Locale> {
  return (await findSettings(ctx.db, accountId))?.settings.locale ?? ctx.config.DEFAULT_LOCALE;
}

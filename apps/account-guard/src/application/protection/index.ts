import type { ProtectionView } from '@account-security/shared';
import { appendAudit } from '../../data-access/audit.repository';
import { findLock, lockAccount } from '../../data-access/lock.repository';
import { StoredSettings, findSettings, upsertSettings } from '../../data-access/settings.repository';
import { policyChangedEntry } from '../../domain/audit';
import { accountLocked } from '../../domain/errors';
import { defaultSettings, sameSettings } from '../../domain/settings';
import type { Actor, ProtectionSettings } from '../../domain/types';
import type { AppContext } from '../context';

function defaults(ctx: AppContext): ProtectionSettings {
  const c = ctx.config;
  return defaultSettings({
    policy: c.DEFAULT_POLICY,
    channels: c.DEFAULT_CHANNELS,
    locale: c.DEFAULT_LOCALE,
  });
}

function view(
  accountId: string,
  stored: StoredSettings | undefined,
  fallback: ProtectionSettings,
): ProtectionView {
  return {
    accountId,
    ...(stored ? stored.settings : fallback),
    updatedAt: stored ? stored.updatedAt.toISOString() : null,
  };
}

export async function getProtection(ctx: AppContext, accountId: string): Promise<ProtectionView> {
  return view(accountId, await findSettings(ctx.db, accountId), defaults(ctx));
}

/**
 * Replaces an account's settings and audits the change. While the account is locked only
 * support may change them: whoever triggered the lock may hold the player's credentials, and
 * must not be able to switch the protection off or redirect the notices.
 */
export async function putProtection(
  ctx: AppContext,
  accountId: string,
  next: ProtectionSettings,
  by: Actor,
): Promise<ProtectionView> {
  const saved = await ctx.db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId);
    if (by === 'player' && (await findLock(trx, accountId))) throw accountLocked();
    const before = await findSettings(trx, accountId);
    const previous = before ? before.settings : defaults(ctx);
    const stored = await upsertSettings(trx, accountId, next, by, ctx.clock());
    if (!before || !sameSettings(previous, next))
      await appendAudit(trx, policyChangedEntry(accountId, by, previous, next, !before));
    return stored;
  });
  return view(accountId, saved, defaults(ctx));
}

import { appendAudit } from '../data-access/audit-repository';
import { findLock, serializeAccount } from '../data-access/lock-repository';
import type { SettingsRow } from '../data-access/schema';
import { findSettings, toSettings, upsertSettings } from '../data-access/settings-repository';
import { accountLocked } from '../domain/errors';
import { auditView, defaultSettings, sameSettings } from '../domain/settings';
import type { Actor, ProtectionSettings } from '../domain/types';
import type { AppContext } from './context';

export interface ProtectionView extends ProtectionSettings {
  accountId: string;
  /** Null while the account runs on the defaults (it never chose). */
  updatedAt: string | null;
}

function defaults(ctx: AppContext): ProtectionSettings {
  const c = ctx.config;
  return defaultSettings({
    policy: c.DEFAULT_POLICY,
    channels: c.DEFAULT_CHANNELS,
    locale: c.DEFAULT_LOCALE,
  });
}

function view(accountId: string, row: SettingsRow | undefined, fallback: ProtectionSettings): ProtectionView {
  return {
    accountId,
    ...(row ? toSettings(row) : fallback),
    updatedAt: row ? row.updated_at.toISOString() : null,
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
  const row = await ctx.db.transaction().execute(async (trx) => {
    await serializeAccount(trx, accountId);
    if (by === 'player' && (await findLock(trx, accountId))) throw accountLocked();
    const before = await findSettings(trx, accountId);
    const previous = before ? toSettings(before) : defaults(ctx);
    const saved = await upsertSettings(trx, accountId, next, by);
    if (!before || !sameSettings(previous, next)) {
      await appendAudit(trx, {
        accountId,
        action: 'policy_changed',
        actor: by,
        reason: previous.policy === next.policy ? null : `policy ${previous.policy} → ${next.policy}`,
        details: { before: auditView(previous), after: auditView(next), wasDefault: !before },
      });
    }
    return saved;
  });
  return view(accountId, row, defaults(ctx));
}

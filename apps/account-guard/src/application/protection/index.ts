import { randomUUID } from 'node:crypto';
import type { ProtectionView } from '@account-security/shared';
import { NewAction, insertActions } from '../../data-access/action.repository';
import { appendAudit } from '../../data-access/audit.repository';
import { findLock, lockAccount } from '../../data-access/lock.repository';
import { StoredSettings, findSettings, upsertSettings } from '../../data-access/settings.repository';
import type { Delivery } from '../../domain/actions';
import { policyChangeRefusedEntry, policyChangedEntry } from '../../domain/audit';
import { playerMessage } from '../../domain/commands';
import { accountLocked, stepUpRequired } from '../../domain/errors';
import {
  ContactKind,
  Lowering,
  NO_PENDING,
  PendingContacts,
  SettingsChange,
  changesBetween,
  defaultSettings,
  loweringOf,
  resolveContacts,
  samePending,
  sameSettings,
} from '../../domain/settings';
import { ChangeNoticeFacts, VerifyNoticeFacts, renderChangeInGame } from '../../domain/templates';
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
    pendingEmail: stored?.pending.email ?? null,
    pendingPhone: stored?.pending.phone ?? null,
    updatedAt: stored ? stored.updatedAt.toISOString() : null,
  };
}

export async function getProtection(ctx: AppContext, accountId: string): Promise<ProtectionView> {
  return view(accountId, await findSettings(ctx.db, accountId), defaults(ctx));
}

/** Who asks for a change, as the token tells. */
export interface Requester {
  actor: Actor;
  /** `auth_time`, else `iat`, in seconds since the epoch; unknown counts as too old. */
  authenticatedAt?: number;
  verifiedEmail?: string;
}

type Outcome =
  | { ok: true; stored: StoredSettings; queued: boolean }
  | { ok: false; lowering: Lowering[]; ageSeconds: number | null };

/**
 * Replaces an account's settings and audits the change. While the account is locked only
 * support may change them: whoever triggered the lock may hold the player's credentials, and
 * must not be able to switch the protection off or redirect the notices. For the same reason a
 * player token must be recent to lower protection, a contact it replaces waits for its link, and
 * each change it makes is told to the contacts as they were before it (SPEC §8), through the
 * outbox in the same transaction (one notice per contact per change).
 */
export async function putProtection(
  ctx: AppContext,
  accountId: string,
  requested: ProtectionSettings,
  by: Requester,
): Promise<ProtectionView> {
  const byPlayer = by.actor === 'player';
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<Outcome> => {
    await lockAccount(trx, accountId);
    if (byPlayer && (await findLock(trx, accountId))) throw accountLocked();
    const stored = await findSettings(trx, accountId);
    const before = stored ?? { settings: defaults(ctx), pending: NO_PENDING };
    const now = ctx.clock();

    if (byPlayer) {
      const lowering = loweringOf(before.settings, requested);
      const ageSeconds =
        by.authenticatedAt === undefined ? null : Math.floor(now.getTime() / 1000) - by.authenticatedAt;
      if (lowering.length && (ageSeconds === null || ageSeconds > ctx.config.STEP_UP_MAX_AGE))
        return { ok: false, lowering, ageSeconds };
    }

    const next = resolveContacts(
      before,
      requested,
      { byPlayer, verifiedEmail: by.verifiedEmail },
      now,
      ctx.config.UNLOCK_TOKEN_TTL_MINUTES * 60_000,
    );
    const changed =
      !sameSettings(before.settings, next.settings) || !samePending(before.pending, next.pending);
    const saved = await upsertSettings(trx, accountId, next.settings, next.pending, by.actor, now);
    if (stored && !changed) return { ok: true, stored: saved, queued: false };

    const changeId = byPlayer && changed ? randomUUID() : null;
    await appendAudit(trx, policyChangedEntry(accountId, by.actor, before, next, !stored, changeId));
    if (!changeId) return { ok: true, stored: saved, queued: false };
    const notices = [
      ...changeNotices(ctx, accountId, changeId, before, changesBetween(before, next), now),
      ...verificationLinks(ctx, accountId, next.settings, next.pending, next.verify),
    ];
    await insertActions(trx, notices);
    return { ok: true, stored: saved, queued: notices.length > 0 };
  });

  if (!outcome.ok) {
    await appendAudit(ctx.db, policyChangeRefusedEntry(accountId, outcome.lowering, outcome.ageSeconds));
    ctx.metrics.stepUpRefusals.inc();
    throw stepUpRequired();
  }
  if (outcome.queued) ctx.wakeWorker();
  return view(accountId, outcome.stored, defaults(ctx));
}

/**
 * The notice of a change, to the contacts as they were: the email and phone on file whatever
 * the channels (they are who the account's owner is reachable at), and in-game if that channel
 * was on. In the account's language as it was, so a changed locale cannot hide it either.
 */
function changeNotices(
  ctx: AppContext,
  accountId: string,
  changeId: string,
  before: { settings: ProtectionSettings; pending: PendingContacts },
  changes: SettingsChange[],
  now: Date,
): NewAction[] {
  const s = before.settings;
  const notice: ChangeNoticeFacts = {
    kind: 'settings_changed',
    accountId,
    at: now.toISOString(),
    changes,
    settingsUrl: ctx.config.SETTINGS_URL ?? null,
  };
  const base = { loginId: changeId, origin: 'settings_change' as const, accountId, type: 'notify' as const };
  const out: NewAction[] = [];
  for (const [channel, to] of [
    ['email', s.email],
    ['sms', s.phone],
  ] as const) {
    if (to === null) continue;
    const delivery: Delivery = { to, locale: s.locale, notice, lockId: null };
    out.push({ ...base, channel, status: 'pending', payload: delivery, nextAttemptAt: now });
  }
  if (s.channels.includes('in_game')) {
    const origin = { id: changeId, correlationid: changeId, subject: accountId, time: notice.at };
    const event = playerMessage(origin, { accountId }, renderChangeInGame(notice, s.locale));
    out.push({ ...base, channel: 'in_game', status: 'pending', payload: { event }, nextAttemptAt: now });
  }
  return out;
}

/** A link to each replacement contact; the token itself is minted when the message is sent. */
function verificationLinks(
  ctx: AppContext,
  accountId: string,
  settings: ProtectionSettings,
  pending: PendingContacts,
  kinds: ContactKind[],
): NewAction[] {
  return kinds.map((contact) => {
    const notice: VerifyNoticeFacts = { kind: 'verify_contact', accountId, contact, verify: null };
    const delivery: Delivery = { to: pending[contact]!, locale: settings.locale, notice, lockId: null };
    return {
      loginId: randomUUID(),
      origin: 'contact' as const,
      accountId,
      type: 'notify' as const,
      channel: contact === 'email' ? ('email' as const) : ('sms' as const),
      status: 'pending' as const,
      payload: delivery,
      nextAttemptAt: ctx.clock(),
    };
  });
}

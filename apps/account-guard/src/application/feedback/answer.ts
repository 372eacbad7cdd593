import { followUpId, type FeedbackAnswer, type FeedbackResult } from '@account-security/shared/contracts';
import { appendAudit } from '../../data-access/audit.repository';
import type { Trx } from '../../data-access/db';
import {
  findAnswer,
  findStoredResult,
  forgetKnownOf,
  insertKnownDevice,
  insertKnownNetwork,
  expireUnlockTokensOf,
  insertLock,
  saveAnswer,
} from '../../data-access/feedback.repository';
import { findLock, lockAccount, makeLockSupportOnly } from '../../data-access/lock.repository';
import { insertOutboxEvent } from '../../data-access/outbox.repository';
import { StoredSettings, findSettings, upsertSettings } from '../../data-access/settings.repository';
import {
  feedbackEntry,
  feedbackRepeatedEntry,
  travelPassAddedEntry,
  travelPassRemovedEntry,
} from '../../domain/audit';
import {
  AnsweredLogin,
  NOT_ME_LOCK_REASON,
  NO_EFFECTS,
  accountLockedByAnswer,
  feedbackAlreadyNotMe,
  loginReported,
  passwordReset,
  planTravelPass,
  sessionsRevoke,
  transitionOf,
} from '../../domain/feedback';
import { NO_PENDING, defaultSettings } from '../../domain/settings';
import { sessionsRevokeMessage } from '../../domain/templates';
import type { AccountLock, Actor, ProtectionSettings, TravelPass } from '../../domain/types';
import type { AppContext } from '../context';
import { endLock } from '../unlock/end-lock';

type Effects = FeedbackResult['effects'];

/**
 * Records an answer and carries out its effects, all in the caller's transaction, under the
 * account's advisory lock (the one logins, unlocks and settings changes take), so nothing about
 * the account moves meanwhile. The same answer again changes nothing and returns the first
 * result with `repeated: true` (audited as `feedback_repeated` when someone else repeats it);
 * "not me" after "me" is carried out; "me" after "not me" is refused.
 * Every event goes through the event outbox with an id derived from the login, so a retried
 * transaction cannot publish twice.
 */
export async function recordAnswer(
  ctx: AppContext,
  trx: Trx,
  login: AnsweredLogin,
  answer: FeedbackAnswer,
  by: Actor,
): Promise<FeedbackResult> {
  await lockAccount(trx, login.accountId);
  const previous = await findAnswer(trx, login.loginId);
  const transition = transitionOf(previous, answer);
  if (transition === 'refused') throw feedbackAlreadyNotMe();
  if (transition === 'repeat') {
    const stored = await findStoredResult(trx, login.accountId, login.loginId, answer);
    if (stored) {
      if (stored.result.by !== by) await appendAudit(trx, feedbackRepeatedEntry(login, by, stored.result));
      return { ...stored.result, repeated: true };
    }
  }

  const now = ctx.clock();
  const at = now.toISOString();
  await saveAnswer(trx, { loginId: login.loginId, accountId: login.accountId, answer, by, at: now });
  const stored = await findSettings(trx, login.accountId);
  const settings = stored?.settings ?? defaults(ctx);
  const details: Record<string, unknown> = {};
  const effects =
    answer === 'me'
      ? await itWasMe(ctx, trx, login, by, now, { stored, settings }, details)
      : await notMe(trx, login, by, now, { stored, settings }, details, transition === 'not_me_after_me');

  const reported = loginReported(login, answer, by, at);
  await insertOutboxEvent(trx, reported);
  const result: FeedbackResult = {
    accountId: login.accountId,
    loginEventId: login.loginId,
    answer,
    by,
    at,
    repeated: false,
    effects,
  };
  await appendAudit(trx, feedbackEntry(login, by, result, { ...details, reportedEventId: reported.id }));
  return result;
}

function defaults(ctx: AppContext): ProtectionSettings {
  return defaultSettings({
    policy: ctx.config.DEFAULT_POLICY,
    channels: ctx.config.DEFAULT_CHANNELS,
    locale: ctx.config.DEFAULT_LOCALE,
  });
}

interface SettingsNow {
  stored: StoredSettings | undefined;
  settings: ProtectionSettings;
}

/**
 * "Not me" after "me": what that "me" made known is forgotten, and the travel pass it granted
 * is taken back if it is still as granted (a pass the player has since changed is theirs).
 */
async function takeBackMe(
  trx: Trx,
  login: AnsweredLogin,
  by: Actor,
  now: Date,
  stored: StoredSettings | undefined,
): Promise<void> {
  await forgetKnownOf(trx, login.accountId, login.loginId);
  const me = await findStoredResult(trx, login.accountId, login.loginId, 'me');
  const granted = me?.details.travelPassGranted === true ? me.result.effects.travelPass : null;
  if (!granted || !stored) return;
  const passes = stored.settings.travelPasses ?? [];
  const same = (p: TravelPass) =>
    p.country === granted.country && p.from === granted.from && p.until === granted.until;
  if (!passes.some(same)) return;
  await upsertSettings(
    trx,
    login.accountId,
    { ...stored.settings, travelPasses: passes.filter((p) => !same(p)) },
    stored.pending,
    by,
    now,
  );
  await appendAudit(trx, travelPassRemovedEntry(login.accountId, by, login.loginId, granted));
}

/**
 * "It was me": known device and network, a travel pass, and the end of a lock this login caused,
 * unless a "not me" (on any login) has since left that lock to support.
 */
async function itWasMe(
  ctx: AppContext,
  trx: Trx,
  login: AnsweredLogin,
  by: Actor,
  now: Date,
  s: SettingsNow,
  details: Record<string, unknown>,
): Promise<Effects> {
  const effects: Effects = { ...NO_EFFECTS };
  const known = { accountId: login.accountId, loginId: login.loginId, at: now };
  if (login.deviceKey) {
    await insertKnownDevice(trx, { ...known, deviceKey: login.deviceKey });
    effects.knownDevice = true;
  }
  if (login.asn !== null) {
    await insertKnownNetwork(trx, { ...known, asn: login.asn });
    effects.knownNetwork = true;
  }

  const plan = planTravelPass(
    {
      country: login.country,
      homeCountry: login.homeCountry,
      trustedCountries: s.settings.trustedCountries,
      passes: s.settings.travelPasses ?? [],
    },
    now,
    ctx.config.FEEDBACK_TRAVEL_PASS_DAYS,
    ctx.config.TRAVEL_PASS_MAX_DAYS,
  );
  if (plan) {
    effects.travelPass = plan.pass;
    details.travelPassGranted = plan.changed;
    if (plan.changed) {
      await upsertSettings(
        trx,
        login.accountId,
        { ...s.settings, travelPasses: plan.passes },
        s.stored?.pending ?? NO_PENDING,
        by,
        now,
      );
      await appendAudit(trx, travelPassAddedEntry(login.accountId, by, login.loginId, plan));
    }
  }

  const lock = await findLock(trx, login.accountId);
  if (lock && lock.loginId === login.loginId && lock.supportOnly) details.supportOnlyLockId = lock.lockId;
  else if (lock && lock.loginId === login.loginId) {
    await endLock(trx, lock, {
      by,
      reason: 'the player confirmed the sign-in that locked the account ("it was me")',
      at: now,
      details: { answer: 'me' },
    });
    effects.unlocked = true;
  }
  return effects;
}

/**
 * "Not me": the account locked (unless it is), every session ended, a new password required.
 * The lock, new or met, is one only support can end: no "me" ends it, no unlock link is minted for
 * it and those already sent stop working. What an earlier "me" of this login made known is
 * forgotten again.
 */
async function notMe(
  trx: Trx,
  login: AnsweredLogin,
  by: Actor,
  now: Date,
  { stored, settings }: SettingsNow,
  details: Record<string, unknown>,
  afterMe: boolean,
): Promise<Effects> {
  const at = now.toISOString();
  if (afterMe) await takeBackMe(trx, login, by, now, stored);
  const existing: AccountLock | undefined = await findLock(trx, login.accountId);
  if (!existing) {
    const reason = by === 'player' ? NOT_ME_LOCK_REASON : `reported by ${by}: not me`;
    const lockId = followUpId(login.loginId, 'account.locked', 'not_me');
    await insertLock(trx, {
      accountId: login.accountId,
      lockId,
      reason,
      lockedBy: by,
      loginId: login.loginId,
      lockedAt: now,
      supportOnly: true,
    });
    await appendAudit(trx, {
      accountId: login.accountId,
      action: 'account_locked',
      actor: by,
      reason,
      loginId: login.loginId,
      details: { lockId, answer: 'not_me', country: login.country },
    });
    await insertOutboxEvent(trx, accountLockedByAnswer(login, reason, by, at));
    details.lockId = lockId;
  } else {
    details.lockId = existing.lockId;
    await makeLockSupportOnly(trx, existing.accountId, existing.lockId);
    await expireUnlockTokensOf(trx, existing.lockId);
  }
  const revoke = sessionsRevoke(login, sessionsRevokeMessage(settings.locale), at);
  const reset = passwordReset(login, at);
  await insertOutboxEvent(trx, revoke);
  await insertOutboxEvent(trx, reset);
  details.commandIds = [revoke.id, reset.id];
  return { ...NO_EFFECTS, locked: true, sessionsRevoked: true, passwordReset: true };
}

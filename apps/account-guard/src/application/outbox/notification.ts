import { followUpId } from '@account-security/shared';
import { insertTokenForPendingContact } from '../../data-access/contact-token.repository';
import { insertFeedbackToken } from '../../data-access/feedback.repository';
import { insertTokenForActiveLock } from '../../data-access/unlock-token.repository';
import type { Action, Delivery } from '../../domain/actions';
import {
  AnyNotice,
  renderChangeEmail,
  renderChangeSms,
  renderEmail,
  renderSms,
  renderVerifyEmail,
  renderVerifySms,
} from '../../domain/templates';
import { contactVerifyUrl } from '../../domain/contact-token';
import { feedbackUrl } from '../../domain/feedback';
import { hashUnlockToken, newUnlockToken, unlockUrl } from '../../domain/unlock-token';
import type { Delivered, OutgoingEmail } from '../../ports/notifications';
import type { AppContext } from '../context';

function emailOf(notice: AnyNotice, locale: Delivery['locale']): Omit<OutgoingEmail, 'to' | 'messageId'> {
  if (notice.kind === 'settings_changed') return renderChangeEmail(notice, locale);
  if (notice.kind === 'verify_contact') return renderVerifyEmail(notice, locale);
  return renderEmail(notice, locale);
}

function smsOf(notice: AnyNotice, locale: Delivery['locale']): string {
  if (notice.kind === 'settings_changed') return renderChangeSms(notice, locale);
  if (notice.kind === 'verify_contact') return renderVerifySms(notice, locale);
  return renderSms(notice, locale);
}

/**
 * Renders an email or SMS at the moment it is sent and hands it to its provider. Throws what
 * the provider threw (a DeliveryError says whether it is permanent).
 */
export async function sendNotification(
  ctx: AppContext,
  action: Action,
  delivery: Delivery,
  notice: AnyNotice,
): Promise<Delivered> {
  return action.channel === 'email'
    ? ctx.mailer!.send({
        to: delivery.to,
        ...emailOf(notice, delivery.locale),
        messageId: `<${followUpId(action.loginId, 'notification', 'email')}@account-guard>`,
      })
    : ctx.sms!.send({ to: delivery.to, body: smsOf(notice, delivery.locale) });
}

/**
 * A lock notice gets a fresh one-time token at each delivery attempt (every login notice a fresh
 * answer link too): only its hash is stored,
 * so the raw token exists just in the message. Tokens from failed attempts simply expire. A
 * verification link likewise, valid only while its address is still the pending one; undefined
 * when it no longer is (there is nothing left to confirm, so nothing is sent).
 */
export async function withOneTimeLink(
  ctx: AppContext,
  action: Action,
  delivery: Delivery,
): Promise<AnyNotice | undefined> {
  const notice = delivery.notice;
  if (notice.kind === 'verify_contact') {
    const token = newUnlockToken();
    const stored = await insertTokenForPendingContact(ctx.db, {
      tokenHash: hashUnlockToken(token),
      accountId: action.accountId,
      contact: notice.contact,
      address: delivery.to,
      actionId: action.id,
      ttlMinutes: ctx.config.UNLOCK_TOKEN_TTL_MINUTES,
    });
    if (!stored) return undefined;
    return {
      ...notice,
      verify: {
        url: contactVerifyUrl(ctx.config.PUBLIC_URL, token),
        expiresAt: stored.expiresAt.toISOString(),
      },
    };
  }
  if (notice.kind === 'settings_changed') return notice;
  const answer = action.origin === 'login' ? await answerLink(ctx, action) : null;
  if (notice.kind !== 'lock' || !delivery.lockId) return { ...notice, answer };
  const token = newUnlockToken();
  const stored = await insertTokenForActiveLock(ctx.db, {
    tokenHash: hashUnlockToken(token),
    lockId: delivery.lockId,
    accountId: action.accountId,
    actionId: action.id,
    ttlMinutes: ctx.config.UNLOCK_TOKEN_TTL_MINUTES,
  });
  if (!stored) return { ...notice, lockEnded: true, answer };
  // A "not me" left the lock to support: no link, so the notice says to contact support.
  if ('supportOnly' in stored) return { ...notice, unlock: null, answer };
  return {
    ...notice,
    unlock: { url: unlockUrl(ctx.config.PUBLIC_URL, token), expiresAt: stored.expiresAt.toISOString() },
    answer,
  };
}

/**
 * SPEC §8: every login notice by email/SMS carries a one-time "was this you?" link, minted fresh
 * at each delivery attempt like the unlock link (only its hash is stored).
 */
async function answerLink(ctx: AppContext, action: Action): Promise<{ url: string; expiresAt: string }> {
  const token = newUnlockToken();
  const stored = await insertFeedbackToken(ctx.db, {
    tokenHash: hashUnlockToken(token),
    loginId: action.loginId,
    accountId: action.accountId,
    actionId: action.id,
    ttlMinutes: ctx.config.UNLOCK_TOKEN_TTL_MINUTES,
  });
  return { url: feedbackUrl(ctx.config.PUBLIC_URL, token), expiresAt: stored.expiresAt.toISOString() };
}

import { followUpId } from '@account-security/shared';
import { insertTokenForActiveLock } from '../../data-access/unlock-token.repository';
import type { Action, Delivery } from '../../domain/actions';
import { NoticeFacts, renderEmail, renderSms } from '../../domain/templates';
import { hashUnlockToken, newUnlockToken, unlockUrl } from '../../domain/unlock-token';
import type { Delivered } from '../../ports/notifications';
import type { AppContext } from '../context';

/**
 * Renders an email or SMS at the moment it is sent and hands it to its provider. Throws what
 * the provider threw (a DeliveryError says whether it is permanent).
 */
export async function sendNotification(
  ctx: AppContext,
  action: Action,
  delivery: Delivery,
  notice: NoticeFacts,
): Promise<Delivered> {
  return action.channel === 'email'
    ? ctx.mailer!.send({
        to: delivery.to,
        ...renderEmail(notice, delivery.locale),
        messageId: `<${followUpId(action.loginId, 'notification', 'email')}@account-guard>`,
      })
    : ctx.sms!.send({ to: delivery.to, body: renderSms(notice, delivery.locale) });
}

/**
 * A lock notice gets a fresh one-time token at each delivery attempt: only its hash is stored,
 * so the raw token exists just in the message. Tokens from failed attempts simply expire.
 */
export async function withUnlockLink(
  ctx: AppContext,
  action: Action,
  delivery: Delivery,
): Promise<NoticeFacts> {
  const notice = delivery.notice;
  if (notice.kind !== 'lock' || !delivery.lockId) return notice;
  const token = newUnlockToken();
  const stored = await insertTokenForActiveLock(ctx.db, {
    tokenHash: hashUnlockToken(token),
    lockId: delivery.lockId,
    accountId: action.accountId,
    actionId: action.id,
    ttlMinutes: ctx.config.UNLOCK_TOKEN_TTL_MINUTES,
  });
  if (!stored) return { ...notice, lockEnded: true };
  return {
    ...notice,
    unlock: { url: unlockUrl(ctx.config.PUBLIC_URL, token), expiresAt: stored.expiresAt.toISOString() },
  };
}

import type { DomainError } from '@account-security/shared';
import { appendAudit } from '../../data-access/audit.repository';
import {
  findContactToken,
  lockContactToken,
  markContactTokenUsed,
} from '../../data-access/contact-token.repository';
import { findLock, lockAccount } from '../../data-access/lock.repository';
import { findSettings, makeContactCurrent } from '../../data-access/settings.repository';
import { NewAuditEntry, contactVerificationRefusedEntry, contactVerifiedEntry } from '../../domain/audit';
import {
  accountLocked,
  contactSuperseded,
  contactTokenExpired,
  contactTokenNotFound,
  contactTokenUsed,
} from '../../domain/errors';
import { maskEmail, maskPhone } from '../../domain/settings';
import type { ContactPageState } from '../../domain/templates';
import type { Locale } from '../../domain/types';
import { hashUnlockToken, isWellFormedUnlockToken } from '../../domain/unlock-token';
import type { AppContext } from '../context';

export interface Verified {
  accountId: string;
  contact: 'email' | 'phone';
  verifiedAt: string;
}

type Redeemed = { ok: true; verified: Verified } | { ok: false; error: DomainError; audit: NewAuditEntry };

/**
 * Follows a verification link: valid when it exists, is unused, has not expired, its address is
 * still the account's pending one and the account is not locked (whoever caused the lock may be
 * the one confirming an address of their own). The contact then becomes the one in use, in one
 * transaction with spending the token; a refusal is audited after it, so it stays on record.
 */
export async function verifyContact(ctx: AppContext, token: string): Promise<Verified> {
  if (!isWellFormedUnlockToken(token)) throw contactTokenNotFound();
  const hash = hashUnlockToken(token);
  const peek = await findContactToken(ctx.db, hash);
  if (!peek) throw contactTokenNotFound();

  const outcome = await ctx.db.transaction().execute(async (trx): Promise<Redeemed> => {
    await lockAccount(trx, peek.accountId);
    const t = (await lockContactToken(trx, hash))!;
    const refuse = (error: DomainError): Redeemed => ({
      ok: false,
      error,
      audit: contactVerificationRefusedEntry(t, error.code),
    });
    if (t.used) return refuse(contactTokenUsed());
    if (t.expired) return refuse(contactTokenExpired());
    if (await findLock(trx, t.accountId)) return refuse(accountLocked());
    const stored = await findSettings(trx, t.accountId);
    if (stored?.pending[t.contact] !== t.address) return refuse(contactSuperseded());
    const now = ctx.clock();
    await markContactTokenUsed(trx, hash, now);
    await makeContactCurrent(trx, t.accountId, t.contact, t.address, now);
    await appendAudit(
      trx,
      contactVerifiedEntry(t.accountId, t.contact, t.address, stored.settings[t.contact]),
    );
    return {
      ok: true,
      verified: { accountId: t.accountId, contact: t.contact, verifiedAt: now.toISOString() },
    };
  });

  if (!outcome.ok) {
    await appendAudit(ctx.db, outcome.audit);
    throw outcome.error;
  }
  ctx.metrics.contactsVerified.inc({ contact: outcome.verified.contact });
  return outcome.verified;
}

export interface ContactTokenInspection {
  state: ContactPageState;
  locale: Locale | null;
  accountId?: string;
  contact?: 'email' | 'phone';
  address?: string;
}

/** What the confirmation page shows; reads only, so link scanners spend nothing. */
export async function inspectContactToken(ctx: AppContext, token: string): Promise<ContactTokenInspection> {
  if (!isWellFormedUnlockToken(token)) return { state: 'not_found', locale: null };
  const t = await findContactToken(ctx.db, hashUnlockToken(token));
  if (!t) return { state: 'not_found', locale: null };
  const stored = await findSettings(ctx.db, t.accountId);
  const locale = stored?.settings.locale ?? ctx.config.DEFAULT_LOCALE;
  if (t.used) return { state: 'used', locale };
  if (t.expired) return { state: 'expired', locale };
  if (await findLock(ctx.db, t.accountId)) return { state: 'locked', locale };
  if (stored?.pending[t.contact] !== t.address) return { state: 'superseded', locale };
  return {
    state: 'confirm',
    locale,
    accountId: t.accountId,
    contact: t.contact,
    address: (t.contact === 'email' ? maskEmail : maskPhone)(t.address) ?? undefined,
  };
}

/** The page state for a refusal's error code. */
export function contactPageStateOf(error: DomainError): ContactPageState {
  switch (error.code) {
    case 'CONTACT.TOKEN_USED':
      return 'used';
    case 'CONTACT.TOKEN_EXPIRED':
      return 'expired';
    case 'CONTACT.SUPERSEDED':
      return 'superseded';
    case 'ACCOUNT.LOCKED':
      return 'locked';
    default:
      return 'not_found';
  }
}

export async function contactLocaleOf(ctx: AppContext, accountId: string): Promise<Locale> {
  return (await findSettings(ctx.db, accountId))?.settings.locale ?? ctx.config.DEFAULT_LOCALE;
}

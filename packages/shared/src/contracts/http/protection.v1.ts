import { z } from 'zod';
import { countryCode, isoTime } from '../common';
import { channelName, locale, policyName } from '../vocabulary';

/** SPEC §8: logins from `country` between `from` and `until` (inclusive) are not `foreign_country`. */
export const travelPassView = z.object({ country: countryCode, from: isoTime, until: isoTime });
export type TravelPassView = z.infer<typeof travelPassView>;

/** What GET and PUT /v1/accounts/{accountId}/protection answer (account-guard). */
export const protectionView = z.object({
  accountId: z.string(),
  policy: policyName,
  channels: z.array(channelName),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  trustedCountries: z.array(countryCode),
  locale,
  /** SPEC §8 (added after v1's first fields: read a missing one as none). */
  travelPasses: z.array(travelPassView).optional(),
  /**
   * A replacement email/phone a player asked for, waiting for the link sent to it to be used;
   * until then notices go to `email`/`phone`. Added after v1's first fields: absent from older
   * servers' answers, so read a missing one as null.
   */
  pendingEmail: z.string().nullable().optional(),
  pendingPhone: z.string().nullable().optional(),
  /** When the player (or support) last saved them; null while the account runs on the defaults. */
  updatedAt: isoTime.nullable(),
});
export type ProtectionView = z.infer<typeof protectionView>;
/** What PUT takes (a pending contact is asked for by putting it in `email`/`phone`). */
export type Protection = Omit<ProtectionView, 'accountId' | 'updatedAt' | 'pendingEmail' | 'pendingPhone'>;

/** GET /v1/accounts/{accountId}/status. */
export const lockStatus = z.object({
  accountId: z.string(),
  locked: z.boolean(),
  lockedAt: isoTime.nullable(),
  reason: z.string().nullable(),
});
export type LockStatus = z.infer<typeof lockStatus>;

/** One line of account-guard's audit trail (newest first), as GET …/audit serves it. */
export const auditItem = z.object({
  id: z.string(),
  at: isoTime,
  accountId: z.string(),
  action: z.string(),
  /** `system`, `player` or `support:<staffId>`. */
  actor: z.string(),
  reason: z.string().nullable(),
  loginId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditItem = z.infer<typeof auditItem>;

export const auditPage = z.object({ items: z.array(auditItem), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPage>;

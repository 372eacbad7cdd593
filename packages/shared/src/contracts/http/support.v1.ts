import { z } from 'zod';
import { countryCode, isoTime } from '../common';
import { assessedSignal } from '../events/login-assessed.v1';
import { feedbackAnswer } from '../events/login-reported.v1';
import { actionType, channelName, policyName, verdict } from '../vocabulary';

/** SPEC §9: GET /v1/accounts?locked=true (account-guard, support only), newest lock first. */
export const lockedAccountItem = z.object({
  accountId: z.string(),
  lockedAt: isoTime,
  reason: z.string(),
  /** `system`, `player` or `support:<staffId>`. */
  lockedBy: z.string(),
  /** The login that locked it, when a login did. */
  loginEventId: z.string().nullable(),
});
export type LockedAccountItem = z.infer<typeof lockedAccountItem>;
export const lockedAccountPage = z.object({
  items: z.array(lockedAccountItem),
  nextCursor: z.string().nullable(),
});
export type LockedAccountPage = z.infer<typeof lockedAccountPage>;

/** SPEC §9: GET /v1/logins/suspicious (account-guard, support only): `suspicious` and `unusual` logins, newest first. */
export const alertItem = z.object({
  loginEventId: z.string(),
  accountId: z.string(),
  loggedInAt: isoTime,
  decidedAt: isoTime,
  ip: z.string(),
  country: countryCode.nullable(),
  verdict,
  risk: z.number().int().min(0).max(100),
  reasons: z.array(z.string()),
  signals: z.array(assessedSignal),
  policy: policyName,
  actions: z.array(z.object({ type: actionType, channel: channelName.optional(), status: z.string() })),
  answer: feedbackAnswer.nullable(),
  answeredAt: isoTime.nullable(),
});
export type AlertItem = z.infer<typeof alertItem>;
export const alertPage = z.object({ items: z.array(alertItem), nextCursor: z.string().nullable() });
export type AlertPage = z.infer<typeof alertPage>;

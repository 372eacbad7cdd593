import { z } from 'zod';
import { countryCode, isoTime } from '../common';
import { assessedSignal } from '../events/login-assessed.v1';
import { LOGIN_FAILURE_REASONS } from '../events/login-failed.v1';
import { feedbackAnswer } from '../events/login-reported.v1';
import { actionType, channelName, verdict } from '../vocabulary';

/**
 * SPEC §8: what account-guard decided about a login and what the player answered, as
 * login-history learnt it from `login.assessed` and `login.reported`. `signals` (with their
 * evidence, for the page's plain words), `channel` and `shadow` are additions.
 */
export const loginAssessment = z.object({
  verdict,
  risk: z.number().int().min(0).max(100),
  reasons: z.array(z.string()),
  signals: z.array(assessedSignal),
  actions: z.array(z.object({ type: actionType, channel: channelName.optional(), status: z.string() })),
  answer: feedbackAnswer.nullable(),
  shadow: z.boolean().optional(),
});
export type LoginAssessment = z.infer<typeof loginAssessment>;

/** GET /v1/accounts/{accountId}/logins (login-history), newest first. */
export const loginItem = z.object({
  /** The record id (login.recorded's `history.recordId`). */
  id: z.string(),
  /**
   * An addition (SPEC §8): the login's own id (its login.succeeded or login.failed id), the one
   * account-guard's feedback route takes. Absent only on rows recorded before it existed.
   */
  loginEventId: z.string().optional(),
  loggedInAt: isoTime,
  ip: z.string(),
  country: countryCode.nullable(),
  client: z.object({ platform: z.string(), version: z.string() }),
  /** SPEC §8: failed attempts (`login.failed`) are listed too, with the login server's reason. */
  result: z.enum(['succeeded', 'failed']),
  reason: z.enum(LOGIN_FAILURE_REASONS).optional(),
  /**
   * SPEC §8: present once the login has been assessed (failed attempts never are). An answer
   * that arrives before the assessment is kept and shown with it.
   */
  assessment: loginAssessment.optional(),
});
export type LoginItem = z.infer<typeof loginItem>;

export const loginPage = z.object({ items: z.array(loginItem), nextCursor: z.string().nullable() });
export type LoginPage = z.infer<typeof loginPage>;

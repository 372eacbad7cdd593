import { z } from 'zod';
import { accountId, countryCode, identifier, ipAddress, isoTime } from '../common';
import { cloudEvent } from '../envelope';
import { actor } from './account-lock.v1';

export const LOGIN_REPORTED = 'login.reported';

/** SPEC §8: the player's answer to "was this you?". */
export const FEEDBACK_ANSWERS = ['me', 'not_me'] as const;
export type FeedbackAnswer = (typeof FEEDBACK_ANSWERS)[number];
export const feedbackAnswer = z.enum(FEEDBACK_ANSWERS);

/**
 * SPEC §8: published by account-guard when a login is answered. SPEC names it for "not me";
 * it is published for "me" too (with `answer: "me"`), so the history shows both answers.
 * `by` and `country` are additions: who answered (`player` or `support:<staffId>`) and the
 * login's country when known. Its `id` derives from the login id and the answer, so each
 * answer is published once per login however often it is repeated.
 */
export const loginReportedData = z.object({
  accountId,
  loginEventId: identifier(128),
  ip: ipAddress,
  answer: feedbackAnswer,
  at: isoTime,
  by: actor.optional(),
  country: countryCode.nullable().optional(),
});

export const loginReportedEvent = cloudEvent(LOGIN_REPORTED, loginReportedData);
export type LoginReportedData = z.infer<typeof loginReportedData>;

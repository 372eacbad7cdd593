import { z } from 'zod';
import { countryCode, isoTime } from '../common';
import { feedbackAnswer } from '../events/login-reported.v1';

/** SPEC §8: POST /v1/feedback/{token} and POST /v1/accounts/{accountId}/logins/{loginEventId}/feedback. */
export const feedbackRequest = z.object({ answer: feedbackAnswer });
export type FeedbackRequest = z.infer<typeof feedbackRequest>;

/**
 * What an answer did. Answering again with the same answer changes nothing and returns the
 * first answer's result with `repeated: true`. "Not me" after "me" is accepted (the safer
 * direction: it locks); "me" after "not me" is refused with 409 (only support can unlock then).
 */
export const feedbackResult = z.object({
  accountId: z.string(),
  loginEventId: z.string(),
  answer: feedbackAnswer,
  /** `player` or `support:<staffId>`. */
  by: z.string(),
  at: isoTime,
  repeated: z.boolean(),
  effects: z.object({
    /** "Me" on a login that locked the account: the lock ended. */
    unlocked: z.boolean(),
    /** "Not me": the account is locked (now, or it already was). */
    locked: z.boolean(),
    /** "Me": the travel pass granted for the login's country (null when it had none, or it is home/trusted). */
    travelPass: z.object({ country: countryCode, from: isoTime, until: isoTime }).nullable(),
    /** "Me": the device and network now known to the account. */
    knownDevice: z.boolean(),
    knownNetwork: z.boolean(),
    /** "Not me": account.sessions-revoke and account.password-reset sent. */
    sessionsRevoked: z.boolean(),
    passwordReset: z.boolean(),
  }),
});
export type FeedbackResult = z.infer<typeof feedbackResult>;

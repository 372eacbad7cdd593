import { z } from 'zod';
import { countryCode, isoTime } from '../common';
import { LOGIN_FAILURE_REASONS } from '../events/login-failed.v1';

/** GET /v1/accounts/{accountId}/logins (login-history), newest first. */
export const loginItem = z.object({
  id: z.string(),
  loggedInAt: isoTime,
  ip: z.string(),
  country: countryCode.nullable(),
  client: z.object({ platform: z.string(), version: z.string() }),
  /** SPEC §8: failed attempts (`login.failed`) are listed too, with the login server's reason. */
  result: z.enum(['succeeded', 'failed']),
  reason: z.enum(LOGIN_FAILURE_REASONS).optional(),
});
export type LoginItem = z.infer<typeof loginItem>;

export const loginPage = z.object({ items: z.array(loginItem), nextCursor: z.string().nullable() });
export type LoginPage = z.infer<typeof loginPage>;

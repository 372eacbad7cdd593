import { z } from 'zod';
import { accountId, ipAddress } from '../common';
import { cloudEvent } from '../envelope';
import { clientInfo } from './login-succeeded.v1';

export const LOGIN_FAILED = 'login.failed';

export const LOGIN_FAILURE_REASONS = [
  'bad_password',
  'unknown_account',
  'second_factor_failed',
  'other',
] as const;

/**
 * SPEC §7 "Failed logins": a login attempt the login server refused. `accountId` is the name as
 * typed (it may name no account); unknown fields travel along, as on `login.succeeded`.
 */
export const loginFailedData = z.looseObject({
  accountId,
  ip: ipAddress,
  client: clientInfo,
  reason: z.enum(LOGIN_FAILURE_REASONS),
});

export const loginFailedEvent = cloudEvent(LOGIN_FAILED, loginFailedData);
export type LoginFailedData = z.infer<typeof loginFailedData>;
export type LoginFailedEvent = z.infer<typeof loginFailedEvent>;

import { z } from 'zod';
import { accountId, countryCode, ipAddress, sessionId, text } from '../common';
import { cloudEvent } from '../envelope';

export const LOGIN_SUCCEEDED = 'login.succeeded';

export const clientInfo = z.looseObject({
  platform: text(1, 32),
  version: text(1, 32),
  deviceId: text(1, 128).optional(),
});

export const loginSucceededData = z.looseObject({
  accountId,
  sessionId,
  ip: ipAddress,
  client: clientInfo,
  homeCountry: countryCode.optional(),
});

export const loginSucceededEvent = cloudEvent(LOGIN_SUCCEEDED, loginSucceededData);
export type LoginSucceededData = z.infer<typeof loginSucceededData>;
export type LoginSucceededEvent = z.infer<typeof loginSucceededEvent>;

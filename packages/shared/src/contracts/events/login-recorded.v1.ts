import { z } from 'zod';
import { countryCode, ipAddress, isoTime, text } from '../common';
import { cloudEvent } from '../envelope';
import { loginGeoResolvedData } from './login-geo-resolved.v1';

export const LOGIN_RECORDED = 'login.recorded';

export const historyInfo = z.object({
  recordId: text(1, 128),
  newCountry: z.boolean(),
  previous: z.object({ country: countryCode.nullable(), ip: ipAddress, loggedInAt: isoTime }).nullable(),
});

export const loginRecordedData = loginGeoResolvedData.extend({ history: historyInfo });

export const loginRecordedEvent = cloudEvent(LOGIN_RECORDED, loginRecordedData);
export type HistoryInfo = z.infer<typeof historyInfo>;
export type LoginRecordedData = z.infer<typeof loginRecordedData>;
export type LoginRecordedEvent = z.infer<typeof loginRecordedEvent>;

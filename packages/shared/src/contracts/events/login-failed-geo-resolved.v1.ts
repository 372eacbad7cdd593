import { z } from 'zod';
import { cloudEvent } from '../envelope';
import { loginFailedData } from './login-failed.v1';
import { geoInfo } from './login-geo-resolved.v1';

export const LOGIN_FAILED_GEO_RESOLVED = 'login.failed.geo-resolved';

/**
 * SPEC §7 "Failed logins" (an extension of SPEC §3's table): ip-checker resolves a `login.failed`
 * exactly as it resolves a success and republishes it with `geo`. Its correlation id is the
 * `login.failed` event's id. login-history records it; nothing acts on it.
 */
export const loginFailedGeoResolvedData = loginFailedData.extend({ geo: geoInfo });

export const loginFailedGeoResolvedEvent = cloudEvent(LOGIN_FAILED_GEO_RESOLVED, loginFailedGeoResolvedData);
export type LoginFailedGeoResolvedData = z.infer<typeof loginFailedGeoResolvedData>;
export type LoginFailedGeoResolvedEvent = z.infer<typeof loginFailedGeoResolvedEvent>;

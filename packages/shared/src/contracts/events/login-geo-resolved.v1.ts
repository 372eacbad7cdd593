import { z } from 'zod';
import { countryCode, text } from '../common';
import { cloudEvent } from '../envelope';
import { loginSucceededData } from './login-succeeded.v1';

export const LOGIN_GEO_RESOLVED = 'login.geo-resolved';

export const geoReason = z.enum(['private', 'reserved', 'not_found']);

export const geoInfo = z
  .object({
    country: countryCode.nullable(),
    reason: geoReason.optional(),
    asn: z.number().int().nonnegative().optional(),
    asOrg: text(1, 256).optional(),
    continent: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    database: text(1, 256),
  })
  .refine((g) => g.country !== null || g.reason !== undefined, {
    message: 'reason is required when country is null',
    path: ['reason'],
  });

export const loginGeoResolvedData = loginSucceededData.extend({ geo: geoInfo });

export const loginGeoResolvedEvent = cloudEvent(LOGIN_GEO_RESOLVED, loginGeoResolvedData);
export type GeoInfo = z.infer<typeof geoInfo>;
export type GeoReason = z.infer<typeof geoReason>;
export type LoginGeoResolvedData = z.infer<typeof loginGeoResolvedData>;
export type LoginGeoResolvedEvent = z.infer<typeof loginGeoResolvedEvent>;

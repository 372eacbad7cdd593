import { z } from 'zod';
import { countryCode, text } from '../common';
import { cloudEvent } from '../envelope';
import { loginSucceededData } from './login-succeeded.v1';

export const LOGIN_GEO_RESOLVED = 'login.geo-resolved';

export const geoReason = z.enum(['private', 'reserved', 'not_found']);

/**
 * SPEC §7: `hosting` when the address belongs to a data centre, cloud, VPN or proxy provider's
 * autonomous system, `other` for every other public address (also one whose AS is unknown).
 */
export const geoNetwork = z.enum(['hosting', 'other']);

export const geoInfo = z
  .object({
    country: countryCode.nullable(),
    reason: geoReason.optional(),
    /** The autonomous system announcing the address (public addresses whose AS is known). */
    asn: z.number().int().min(1).max(4_294_967_295).optional(),
    /** The AS's organisation, as the ASN data names it. */
    asOrg: text(1, 256).optional(),
    /** Present for every public address (SPEC §7); absent for private and reserved ones. */
    network: geoNetwork.optional(),
    /**
     * Coordinates of the address, only when the deployment's country database is a city database
     * (GeoLite2-City, DB-IP City): login-history then measures travel from them instead of from
     * the country's centroid.
     */
    location: z
      .object({
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        accuracyKm: z.number().int().min(0).optional(),
      })
      .optional(),
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
export type GeoNetwork = z.infer<typeof geoNetwork>;
export type GeoLocation = NonNullable<GeoInfo['location']>;
export type LoginGeoResolvedData = z.infer<typeof loginGeoResolvedData>;
export type LoginGeoResolvedEvent = z.infer<typeof loginGeoResolvedEvent>;

import { z } from 'zod';
import { countryCode, ipAddress, isoTime, text } from '../common';
import { cloudEvent } from '../envelope';
import { loginGeoResolvedData } from './login-geo-resolved.v1';

export const LOGIN_RECORDED = 'login.recorded';

const count = z.number().int().min(0);

/**
 * How often a feature of this login was seen before it (SPEC §7): on this account's earlier
 * successful logins, and on everyone's (the population the Freeman et al. score compares with).
 */
export const featureCount = z.object({ account: count, global: count });

/**
 * What the account's own past says of each feature of the login. A feature is absent when the
 * login has no such value (no device id; no ASN or country for the address).
 */
export const historyFeatures = z.object({
  /** `client.deviceId`, compared by its keyed hash (the raw id is never stored). */
  device: featureCount.optional(),
  asn: featureCount.optional(),
  country: featureCount.optional(),
  /** The address's /24 (IPv4) or /48 (IPv6) network, named in `prefix`. */
  prefix: featureCount.extend({ prefix: text(1, 64) }),
});

/** From the previous successful login to this one. */
export const travelInfo = z.object({
  fromCountry: countryCode.nullable(),
  toCountry: countryCode.nullable(),
  km: z.number().int().min(0),
  minutes: z.number().min(0),
  /** `null` when both logins are at the same instant (speed undefined). */
  kmh: z.number().int().min(0).nullable(),
  /** `city`: both places from a city database; `country`: at least one from a country's centroid. */
  source: z.enum(['city', 'country']),
});

/** Failed logins (`login.failed`) in the window before this login. */
export const failureCounts = z.object({
  windowMinutes: z.number().int().min(1),
  /** Distinct accounts this IP failed to log in to. */
  ipAccounts: count,
  /** Failed logins on this account. */
  account: count,
});

export const historyInfo = z.object({
  recordId: text(1, 128),
  newCountry: z.boolean(),
  previous: z.object({ country: countryCode.nullable(), ip: ipAddress, loggedInAt: isoTime }).nullable(),
  // SPEC §7 additions: optional so a consumer reads events of an older login-history too.
  /** The account's successful logins recorded before this one. */
  logins: count.optional(),
  /** Successful logins recorded for everyone before this batch (the population size). */
  globalLogins: count.optional(),
  features: historyFeatures.optional(),
  /** Absent on the account's first login, or when either place has no coordinates. */
  travel: travelInfo.optional(),
  failures: failureCounts.optional(),
});

export const loginRecordedData = loginGeoResolvedData.extend({ history: historyInfo });

export const loginRecordedEvent = cloudEvent(LOGIN_RECORDED, loginRecordedData);
export type HistoryInfo = z.infer<typeof historyInfo>;
export type FeatureCount = z.infer<typeof featureCount>;
export type HistoryFeatures = z.infer<typeof historyFeatures>;
export type TravelInfo = z.infer<typeof travelInfo>;
export type FailureCounts = z.infer<typeof failureCounts>;
export type LoginRecordedData = z.infer<typeof loginRecordedData>;
export type LoginRecordedEvent = z.infer<typeof loginRecordedEvent>;

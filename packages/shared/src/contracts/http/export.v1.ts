import { z } from 'zod';
import { accountId, countryCode, ipAddress, isoTime, sessionId, text } from '../common';
import { geoNetwork, geoReason } from '../events/login-geo-resolved.v1';
import { historyInfo } from '../events/login-recorded.v1';

/**
 * SPEC §10: one line of login-history's `GET /v1/export/logins` (NDJSON): a successful login with
 * what account-guard's assessment reads, its `login.recorded` data as published then (history
 * facts as login-history had them at that time), minus `client.deviceId`, which login-history
 * never keeps. Rows recorded before the export existed keep only their history facts, address,
 * country and client: they are `partial` (no session id, no ASN or network, no home country).
 */
export const exportedLoginData = z.looseObject({
  accountId,
  sessionId: sessionId.optional(),
  ip: ipAddress,
  client: z.looseObject({ platform: text(1, 32), version: text(1, 32) }),
  homeCountry: countryCode.optional(),
  geo: z.looseObject({
    country: countryCode.nullable(),
    reason: geoReason.optional(),
    asn: z.number().int().min(1).max(4_294_967_295).optional(),
    asOrg: text(1, 256).optional(),
    network: geoNetwork.optional(),
  }),
  history: historyInfo,
});

export const exportedLogin = z.object({
  /** The login's id (its `login.succeeded` id, the `correlationid` of its follow-ups). */
  loginEventId: z.string(),
  /** The record id (`history.recordId`); with `loggedInAt`, the export's order. */
  recordId: z.string(),
  loggedInAt: isoTime,
  /** Present (true) when the row predates the stored event data: only history, address, country, client. */
  partial: z.literal(true).optional(),
  data: exportedLoginData,
});

/** The export's last line: pass `nextCursor` back as `cursor` for the next page; null when done. */
export const exportEnd = z.object({ nextCursor: z.string().nullable() });

export type ExportedLogin = z.infer<typeof exportedLogin>;
export type ExportedLoginData = z.infer<typeof exportedLoginData>;
export type ExportEnd = z.infer<typeof exportEnd>;

import {
  LOCALES,
  Locale,
  accountId,
  channelName,
  countryCode,
  policyName,
  text,
} from '@account-security/shared';
import { isKnownCountry } from '../domain/templates';
import { z } from 'zod';

const unique = <T>(xs: T[]) => [...new Set(xs)];

export const accountParams = z.object({ accountId });

export const tokenParams = z.object({ token: z.string().max(256) });

/** E.164: a plus, a country code, at most 15 digits in all. */
const e164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, { message: 'must be an E.164 phone number such as +821012345678' });

/**
 * PUT /protection replaces the settings; fields left out take their defaults (no email, no
 * phone, no trusted countries, the service's default locale). A channel that needs an address
 * needs one here, so a player cannot choose a channel that would always be skipped.
 */
const knownCountry = countryCode.refine(isKnownCountry, {
  message: 'is not an ISO 3166-1 alpha-2 country code',
});

/** SPEC §8: one travel pass; times normalised to ISO UTC so equal passes compare equal. */
export const travelPass = z.object({
  country: knownCountry,
  from: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()),
  until: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()),
});

export const MAX_TRAVEL_PASSES = 10;

export function protectionBody(defaultLocale: Locale, travelPassMaxDays = 90) {
  return z
    .object({
      policy: policyName,
      channels: z.array(channelName).max(3).transform(unique),
      email: z
        .email({ message: 'must be an email address' })
        .max(254)
        .nullable()
        .optional()
        .transform((v) => v ?? null),
      phone: e164
        .nullable()
        .optional()
        .transform((v) => v ?? null),
      trustedCountries: z
        .array(countryCode.refine(isKnownCountry, { message: 'is not an ISO 3166-1 alpha-2 country code' }))
        .max(50)
        .optional()
        .transform((v) => unique(v ?? [])),
      travelPasses: z
        .array(travelPass)
        .max(MAX_TRAVEL_PASSES)
        .optional()
        .transform((v) => v ?? []),
      locale: z
        .enum(LOCALES)
        .optional()
        .transform((v) => v ?? defaultLocale),
    })
    .superRefine((b, ctx) => {
      if (b.channels.includes('email') && b.email === null) {
        ctx.addIssue({ code: 'custom', path: ['email'], message: 'is required when channels include email' });
      }
      if (b.channels.includes('sms') && b.phone === null) {
        ctx.addIssue({ code: 'custom', path: ['phone'], message: 'is required when channels include sms' });
      }
      b.travelPasses.forEach((p, i) => {
        const ms = Date.parse(p.until) - Date.parse(p.from);
        if (ms <= 0)
          ctx.addIssue({ code: 'custom', path: ['travelPasses', i, 'until'], message: 'must be after from' });
        else if (ms > travelPassMaxDays * 86_400_000)
          ctx.addIssue({
            code: 'custom',
            path: ['travelPasses', i, 'until'],
            message: `must be at most ${travelPassMaxDays} days after from`,
          });
      });
    });
}

export const supportUnlockBody = z.object({ reason: text(1, 500) });

export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, { message: 'must be a cursor returned by a previous page' })
    .optional(),
});

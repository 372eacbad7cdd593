import { z } from 'zod';

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** Text that is safe to store and show: bounded, no control characters. */
export const text = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' });

/** An identifier: printable, no spaces, no control characters. */
export const identifier = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' });

export const countryCode = z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code' });

/**
 * IPv4 or IPv6 text (the same set Node's `isIP` accepts, checked without node:net so the browser
 * can use it); zone ids (fe80::1%eth0) are not addresses a login server sends. The checks are
 * zod's own `z.ipv4()` and `z.ipv6()` ones, called directly: a nested parse per address allocates
 * a result (and, for every IPv6 address, a whole ZodError from the IPv4 attempt) on every message.
 */
export const ipAddress = z
  .string()
  .max(45)
  .refine((ip) => z.regexes.ipv4.test(ip) || z.core.isValidIPv6(ip), {
    message: 'must be an IPv4 or IPv6 address',
  });

export const isoTime = z.iso.datetime({ offset: true });

export const accountId = text(1, 64);
export const sessionId = text(1, 128);

/** The vocabulary of account protection: plain data, no I/O. */

export const POLICIES = ['none', 'notify', 'kick', 'block', 'lock'] as const;
export type Policy = (typeof POLICIES)[number];

export const CHANNELS = ['email', 'sms', 'in_game'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LOCALES = ['en', 'ko'] as const;
export type Locale = (typeof LOCALES)[number];

export type Verdict = 'trusted' | 'suspicious';
export type KickReason = 'foreign_login' | 'region_blocked' | 'account_locked';

/** Who did something, in the form the events and the audit trail use. */
export type Actor = 'system' | 'player' | `support:${string}`;

export interface ProtectionSettings {
  policy: Policy;
  channels: Channel[];
  email: string | null;
  phone: string | null;
  trustedCountries: string[];
  locale: Locale;
}

/** What the assessment needs to know about one login. */
export interface LoginFacts {
  loginId: string;
  accountId: string;
  sessionId: string;
  ip: string;
  /** ISO 3166-1 alpha-2, or null when the address could not be placed. */
  country: string | null;
  /** Why `country` is null (`private`, `reserved`, `not_found`). */
  countryUnknownReason?: string;
  /** From the event, else the service's HOME_COUNTRY. */
  homeCountry: string;
  /** ISO time of the login. */
  at: string;
}

export interface Assessment {
  verdict: Verdict;
  /** Why: suspicious reasons first (e.g. `foreign_country`), then notes (e.g. `country_unknown:private`). */
  reasons: string[];
}

export interface LockState {
  lockId: string;
  lockedAt: string;
  reason: string;
}

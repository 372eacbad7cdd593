import type { Channel, Locale, Policy, Verdict } from '@account-security/shared/contracts';

// The vocabulary is the suite's, written once in the contracts; re-exported so domain modules
// and their tests import their words from one place.
export type {
  ActionStatus,
  ActionType,
  Actor,
  Channel,
  KickReason,
  Locale,
  Policy,
  Verdict,
} from '@account-security/shared/contracts';

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

/** An account's lock as stored: the row is the lock. */
export interface AccountLock {
  accountId: string;
  lockId: string;
  lockedAt: Date;
  reason: string;
  loginId: string | null;
}

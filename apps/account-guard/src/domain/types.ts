import type {
  AssessedSignal,
  FailureCounts,
  GeoNetwork,
  HistoryFeatures,
  Channel,
  Locale,
  Policy,
  TravelInfo,
  Verdict,
} from '@account-security/shared/contracts';

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
  SignalCode,
  SignalLevel,
  Verdict,
} from '@account-security/shared/contracts';

/** SPEC §8: logins from `country` between `from` and `until` (ISO times) are not `foreign_country`. */
export interface TravelPass {
  country: string;
  from: string;
  until: string;
}

export interface ProtectionSettings {
  policy: Policy;
  channels: Channel[];
  email: string | null;
  phone: string | null;
  trustedCountries: string[];
  /** SPEC §8; absent is read as none (settings stored before travel passes existed). */
  travelPasses?: TravelPass[];
  locale: Locale;
}

/** What login-history's `history` tells of the login (SPEC §7); every field optional. */
export interface LoginHistory {
  /** The account's successful logins before this one. */
  logins?: number;
  /** Everyone's successful logins before this batch. */
  globalLogins?: number;
  features?: HistoryFeatures;
  travel?: TravelInfo;
  failures?: FailureCounts;
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
  /** `client.deviceId` of the event. */
  deviceId?: string;
  /** ip-checker's autonomous system of the address, its organisation and network type. */
  asn?: number;
  asOrg?: string;
  network?: GeoNetwork;
  /** Absent: an older login-history, or a test; the signals that need it do not fire. */
  history?: LoginHistory;
  /** SPEC §8's answers as they bear on this login, from account-guard's own tables (read per batch). */
  answers?: PlayerAnswers;
}

/** What players' answers say of a login's address, device and network. */
export interface PlayerAnswers {
  /** The latest "not me" reported for a login from this IP (ISO time), if any is kept. */
  ipReportedAt?: string;
  /** The account's player confirmed this device ("it was me"). */
  knownDevice?: boolean;
  /** The account's player confirmed this ASN ("it was me"). */
  knownNetwork?: boolean;
}

/** One signal that fired, with its evidence (login.assessed's `signals`). */
export type FiredSignal = AssessedSignal;

export interface Assessment {
  verdict: Verdict;
  /**
   * Why: the codes of the suspicious signals (`foreign_country` first, as before SPEC §7), then
   * of the unusual ones, then the country notes as before (`trusted_country`, `travel_pass`,
   * `country_unknown:private`).
   */
  reasons: string[];
  /** SPEC §7's risk score, 0–100. */
  risk: number;
  signals: FiredSignal[];
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

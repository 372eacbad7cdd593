import {
  ACCOUNT_LOCKED,
  ACCOUNT_PASSWORD_RESET,
  ACCOUNT_SESSIONS_REVOKE,
  DomainError,
  LOGIN_REPORTED,
  followUp,
  type FeedbackAnswer,
  type FeedbackResult,
} from '@account-security/shared/contracts';
import type { Actor, TravelPass } from './types';

/** CloudEvents `source` of everything this service publishes (as in commands.ts). */
const SOURCE = 'account-guard';

// The one-time answer link has the unlock link's format (256 random bits, base64url, only its
// hash stored): newUnlockToken, hashUnlockToken and isWellFormedUnlockToken serve both.
export function feedbackUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/v1/feedback/${token}`;
}

// Stable codes; FEEDBACK_STATUSES gives each its HTTP status.
export const feedbackTokenNotFound = () => new DomainError('FEEDBACK.TOKEN_NOT_FOUND', 'no such answer link');
export const feedbackTokenUsed = () =>
  new DomainError('FEEDBACK.TOKEN_USED', 'this answer link has already been used');
export const feedbackTokenExpired = () =>
  new DomainError('FEEDBACK.TOKEN_EXPIRED', 'this answer link has expired');
export const feedbackLoginNotFound = () =>
  new DomainError('FEEDBACK.LOGIN_NOT_FOUND', 'no such login on this account');
export const feedbackTokenTooNew = () =>
  new DomainError(
    'FEEDBACK.TOKEN_TOO_NEW',
    '"it was me" needs a token issued well before the login it answers (or the one-time link from the notice)',
  );
export const feedbackAlreadyNotMe = () =>
  new DomainError(
    'FEEDBACK.ALREADY_NOT_ME',
    'this login was reported as "not me"; only support can unlock the account now',
  );

export const FEEDBACK_STATUSES: Record<string, number> = {
  'FEEDBACK.TOKEN_NOT_FOUND': 404,
  'FEEDBACK.TOKEN_USED': 409,
  'FEEDBACK.TOKEN_EXPIRED': 410,
  'FEEDBACK.LOGIN_NOT_FOUND': 404,
  'FEEDBACK.TOKEN_TOO_NEW': 403,
  'FEEDBACK.ALREADY_NOT_ME': 409,
};

/** What an answer does given the login's earlier one (feedbackResult's rules). */
export type Transition = 'first' | 'repeat' | 'refused' | 'not_me_after_me';

export function transitionOf(previous: FeedbackAnswer | null, answer: FeedbackAnswer): Transition {
  if (previous === null) return 'first';
  if (previous === answer) return 'repeat';
  return answer === 'not_me' ? 'not_me_after_me' : 'refused';
}

/**
 * "It was me" through a bearer token (SPEC §8): only a token issued at least `minAgeSeconds`
 * before the login (FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS), so whoever just signed in cannot vouch
 * for themselves, even when the identity provider's clock runs behind the login server's by up
 * to that margin. Support may always; an unknown `iat` may not.
 */
export function mayAnswerMe(
  by: Actor,
  issuedAtSeconds: number | undefined,
  loggedInAt: Date,
  minAgeSeconds: number,
): boolean {
  if (by.startsWith('support:')) return true;
  // `iat` has whole seconds: the login's time is taken down to its second, then the margin off.
  return (
    issuedAtSeconds !== undefined &&
    issuedAtSeconds <= Math.floor(loggedInAt.getTime() / 1000) - minAgeSeconds
  );
}

export const MAX_TRAVEL_PASSES = 10;
const DAY = 86_400_000;

export interface TravelPassPlan {
  /** The pass that now covers the country (granted, extended, or already in place). */
  pass: TravelPass;
  /** The account's passes after the answer; unchanged when nothing was granted. */
  passes: TravelPass[];
  changed: boolean;
  /** Passes of the country replaced by the extended one. */
  replaced: TravelPass[];
  /** Passes dropped to stay within MAX_TRAVEL_PASSES (expired ones first, then the one ending soonest). */
  dropped: TravelPass[];
}

/**
 * The travel pass "it was me" grants: `days` from now for the login's country, none for an
 * unknown, home or trusted country. A pass of that country covering now through the new end
 * already is kept as it is; one in force but ending sooner is extended (keeping its start while
 * the whole stays within `maxDays`). At most MAX_TRAVEL_PASSES: expired passes go first, then,
 * if still full, the one ending soonest.
 */
export function planTravelPass(
  input: {
    country: string | null;
    homeCountry: string;
    trustedCountries: string[];
    passes: TravelPass[];
  },
  now: Date,
  days: number,
  maxDays: number,
): TravelPassPlan | null {
  const { country } = input;
  if (country === null || country === input.homeCountry || input.trustedCountries.includes(country))
    return null;
  const t = now.getTime();
  const until = t + days * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const inForce = (p: TravelPass) => Date.parse(p.from) <= t && t <= Date.parse(p.until);

  const mine = input.passes.filter((p) => p.country === country && inForce(p));
  const covering = mine.find((p) => Date.parse(p.until) >= until);
  if (covering) return { pass: covering, passes: input.passes, changed: false, replaced: [], dropped: [] };

  const earliest = Math.min(t, ...mine.map((p) => Date.parse(p.from)));
  const pass: TravelPass = {
    country,
    from: iso(until - earliest <= maxDays * DAY ? earliest : t),
    until: iso(until),
  };
  let rest = input.passes.filter((p) => !mine.includes(p));
  const dropped: TravelPass[] = [];
  if (rest.length >= MAX_TRAVEL_PASSES) {
    const expired = rest.filter((p) => Date.parse(p.until) < t);
    dropped.push(...expired);
    rest = rest.filter((p) => !expired.includes(p));
  }
  while (rest.length >= MAX_TRAVEL_PASSES) {
    const soonest = rest.reduce((a, b) => (Date.parse(b.until) < Date.parse(a.until) ? b : a));
    dropped.push(soonest);
    rest = rest.filter((p) => p !== soonest);
  }
  return { pass, passes: [...rest, pass], changed: true, replaced: mine, dropped };
}

/** The login an answer is about, as its decision stored it. */
export interface AnsweredLogin {
  loginId: string;
  accountId: string;
  ip: string;
  country: string | null;
  homeCountry: string;
  loggedInAt: Date;
  deviceKey: string | null;
  asn: number | null;
}

const originOf = (login: AnsweredLogin, at: string) => ({
  id: login.loginId,
  correlationid: login.loginId,
  subject: login.accountId,
  time: at,
});

/** login.reported (SPEC §8), for both answers; its id derives from the login id and the answer. */
export function loginReported(login: AnsweredLogin, answer: FeedbackAnswer, by: Actor, at: string) {
  return followUp(
    originOf(login, at),
    LOGIN_REPORTED,
    {
      accountId: login.accountId,
      loginEventId: login.loginId,
      ip: login.ip,
      answer,
      at,
      by,
      country: login.country,
    },
    { source: SOURCE, qualifier: answer, time: at },
  );
}

/** account.locked by a "not me" (by the player or support, not the system). */
export function accountLockedByAnswer(login: AnsweredLogin, reason: string, by: Actor, at: string) {
  return followUp(
    originOf(login, at),
    ACCOUNT_LOCKED,
    { accountId: login.accountId, reason, by, at },
    { source: SOURCE, qualifier: 'not_me', time: at },
  );
}

export function sessionsRevoke(login: AnsweredLogin, message: string, at: string) {
  return followUp(
    originOf(login, at),
    ACCOUNT_SESSIONS_REVOKE,
    { accountId: login.accountId, reason: 'login_reported', message },
    { source: SOURCE, qualifier: 'not_me', time: at },
  );
}

export function passwordReset(login: AnsweredLogin, at: string) {
  return followUp(
    originOf(login, at),
    ACCOUNT_PASSWORD_RESET,
    { accountId: login.accountId, reason: 'login_reported' },
    { source: SOURCE, qualifier: 'not_me', time: at },
  );
}

export const NOT_ME_LOCK_REASON = 'reported by the player: not me';

export const NO_EFFECTS: FeedbackResult['effects'] = {
  unlocked: false,
  locked: false,
  travelPass: null,
  knownDevice: false,
  knownNetwork: false,
  sessionsRevoked: false,
  passwordReset: false,
};

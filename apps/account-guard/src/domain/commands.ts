import {
  ACCOUNT_LOCKED,
  ACCOUNT_UNLOCKED,
  LOGIN_ASSESSED,
  PLAYER_MESSAGE,
  SESSION_KICK,
  followUp,
  type EventEnvelope,
  type EventOf,
  type LoginAssessedData,
} from '@account-security/shared/contracts';
import type { Action } from './actions';
import type { AccountLock, Actor, FiredSignal, KickReason, LoginFacts, Policy, Verdict } from './types';

/** CloudEvents `source` of everything this service publishes. */
const SOURCE = 'account-guard';

/** The login event the commands follow up: their ids derive from its login id. */
export type Origin = Pick<EventEnvelope, 'id' | 'correlationid' | 'subject'> & {
  time?: string;
  type?: string;
};

export function playerMessage(origin: Origin, login: Pick<LoginFacts, 'accountId'>, text: string) {
  return followUp(
    origin,
    PLAYER_MESSAGE,
    { accountId: login.accountId, text },
    { source: SOURCE, qualifier: 'in_game' },
  );
}

export function sessionKick(origin: Origin, login: LoginFacts, reason: KickReason, message: string) {
  return followUp(
    origin,
    SESSION_KICK,
    { accountId: login.accountId, sessionId: login.sessionId, reason, message },
    { source: SOURCE },
  );
}

export function accountLocked(origin: Origin, login: LoginFacts, reason: string, at: string) {
  return followUp(
    origin,
    ACCOUNT_LOCKED,
    { accountId: login.accountId, reason, by: 'system', at },
    { source: SOURCE },
  );
}

/** What login.assessed tells of a decision. */
export interface AssessedDecision {
  loginId: string;
  accountId: string;
  sessionId: string;
  verdict: Verdict;
  reasons: string[];
  policy: Policy;
  risk: number;
  signals: FiredSignal[];
  /** SPEC §10: decided under ENFORCEMENT=shadow, so its actions were only recorded. */
  shadow?: boolean;
}

export function loginAssessed(
  origin: Origin,
  decision: AssessedDecision,
  actions: Pick<Action, 'type' | 'channel' | 'status'>[],
): EventOf<typeof LOGIN_ASSESSED> {
  const data: LoginAssessedData = {
    accountId: decision.accountId,
    sessionId: decision.sessionId,
    loginEventId: decision.loginId,
    verdict: decision.verdict,
    reasons: decision.reasons,
    policy: decision.policy,
    risk: decision.risk,
    signals: decision.signals,
    actions: actions.map((a) => ({
      type: a.type,
      ...(a.channel ? { channel: a.channel } : {}),
      status: a.status,
    })),
    // Only in shadow: an enforcing deployment's events stay exactly as they were.
    ...(decision.shadow ? { shadow: true } : {}),
  };
  // A shadow decision is another follow-up than the enforced one (SPEC §10: a shadow deployment
  // runs beside the enforcing one), so it has an id of its own: consumers that deduplicate on
  // the id never drop the enforced event as a copy of the shadow's.
  return followUp(origin, LOGIN_ASSESSED, data, {
    source: SOURCE,
    ...(decision.shadow ? { qualifier: 'shadow' } : {}),
  });
}

/**
 * account.unlocked carries the locking login's identity and an id derived from the lock, so
 * publishing it twice is harmless.
 */
export function accountUnlocked(lock: AccountLock, by: Actor, reason: string, at: string) {
  const origin = lock.loginId ?? lock.lockId;
  return followUp(
    { id: origin, correlationid: origin, subject: lock.accountId },
    ACCOUNT_UNLOCKED,
    { accountId: lock.accountId, reason, by, at },
    { source: SOURCE, qualifier: lock.lockId, time: at },
  );
}

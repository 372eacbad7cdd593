import { assessLogin } from './assessment';
import { Plan, lockReason, planActions } from './policy';
import { DEFAULT_THRESHOLDS, SignalThresholds } from './signals';
import type { Assessment, Channel, LockState, LoginFacts, ProtectionSettings } from './types';

/** What an account's logins are judged against: its settings and its lock, as stored. */
export interface AccountState {
  settings: ProtectionSettings;
  lock: LockState | null;
}

/** One login decided: what it was judged against, the verdict, the plan, the lock it starts. */
export interface Decision {
  login: LoginFacts;
  /** The settings the login was judged against (their policy is the decision's policy). */
  settings: ProtectionSettings;
  assessment: Assessment;
  plan: Plan;
  /** The lock this login starts (its plan locks the account), or null; always null in shadow. */
  newLock: { lockId: string; reason: string } | null;
  /** SPEC §10: decided in shadow, so the plan is only recorded (every action it would carry out). */
  shadow: boolean;
}

export interface DecideInput {
  /** Logins not decided yet, each once. */
  logins: LoginFacts[];
  /** Every account of `logins`. */
  accountOf: (accountId: string) => AccountState;
  channelsEnabled: Record<Channel, boolean>;
  /** Id of a lock a login starts. */
  newLockId: () => string;
  /** SPEC §7's limits (config.ts); the documented defaults when left out. */
  thresholds?: SignalThresholds;
  /** SPEC §10 (ENFORCEMENT=shadow): plan as usual, carry nothing out. */
  shadow?: boolean;
}

/**
 * Decides several logins at once, as if one after the other in login-time order (ties in the
 * order given): a later login of an account sees what an earlier one did to it, so a login after
 * the one that locked the account is refused as `account_locked` like any login to a locked
 * account. Returns the decisions in that order.
 *
 * In shadow the plans are the same, but a plan that would lock starts no lock: the account stays
 * open, so its later logins are judged as they would be in the next batch, against no lock.
 */
export function decideInOrder(input: DecideInput): Decision[] {
  const ordered = input.logins
    .map((login, i) => ({ login, i, t: Date.parse(login.at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.login);
  const locks = new Map<string, LockState | null>();
  const shadow = input.shadow ?? false;
  return ordered.map((login) => {
    const account = input.accountOf(login.accountId);
    const lock = locks.has(login.accountId) ? locks.get(login.accountId)! : account.lock;
    const assessment = assessLogin(login, account.settings, input.thresholds ?? DEFAULT_THRESHOLDS);
    const plan = planActions({
      assessment,
      policy: account.settings.policy,
      lock,
      settings: account.settings,
      channelsEnabled: input.channelsEnabled,
    });
    let newLock: Decision['newLock'] = null;
    if (!shadow && plan.actions.some((a) => a.type === 'lock')) {
      newLock = { lockId: input.newLockId(), reason: lockReason(plan.reasons, login.country) };
      locks.set(login.accountId, { lockId: newLock.lockId, lockedAt: login.at, reason: newLock.reason });
    }
    return { login, settings: account.settings, assessment, plan, newLock, shadow };
  });
}

import type { Action } from './actions';
import type { NoticeKind, PlannedAction } from './policy';
import { auditView } from './settings';
import type { AccountLock, Actor, Channel, LoginFacts, ProtectionSettings } from './types';

export type AuditAction =
  | 'policy_changed'
  | 'account_locked'
  | 'account_unlocked'
  | 'unlock_refused'
  | 'session_kicked'
  | 'login_blocked'
  | 'notification_sent'
  | 'notification_skipped'
  | 'notification_failed';

/** A line to append to the audit trail (what GET …/audit serves back is the contracts' AuditItem). */
export interface NewAuditEntry {
  accountId: string;
  action: AuditAction;
  actor: Actor;
  reason?: string | null;
  loginId?: string | null;
  details?: Record<string, unknown>;
}

function accountLockedEntry(login: LoginFacts, lock: { lockId: string; reason: string }): NewAuditEntry {
  return {
    accountId: login.accountId,
    action: 'account_locked',
    actor: 'system',
    reason: lock.reason,
    loginId: login.loginId,
    details: { lockId: lock.lockId, country: login.country, sessionId: login.sessionId },
  };
}

function notificationSkippedEntry(
  login: LoginFacts,
  action: { channel: Channel; notice: NoticeKind; skip: string },
): NewAuditEntry {
  return {
    accountId: login.accountId,
    action: 'notification_skipped',
    actor: 'system',
    reason: action.skip,
    loginId: login.loginId,
    details: { channel: action.channel, kind: action.notice },
  };
}

function loginBlockedEntry(login: LoginFacts): NewAuditEntry {
  return {
    accountId: login.accountId,
    action: 'login_blocked',
    actor: 'system',
    reason: 'region_blocked',
    loginId: login.loginId,
    details: { country: login.country, sessionId: login.sessionId },
  };
}

/** The entries a decision writes as it is made (a lock's first); commands are audited once carried out. */
export function decisionEntries(
  login: LoginFacts,
  newLock: { lockId: string; reason: string } | null,
  actions: PlannedAction[],
): NewAuditEntry[] {
  const entries = newLock ? [accountLockedEntry(login, newLock)] : [];
  for (const a of actions) {
    if (a.type === 'notify' && a.skip) entries.push(notificationSkippedEntry(login, { ...a, skip: a.skip }));
    if (a.type === 'block') entries.push(loginBlockedEntry(login));
  }
  return entries;
}

/** The entry of a broker command carried out (the lock's was written when it was decided). */
export function commandEntry(action: Action): NewAuditEntry | undefined {
  const command = action.command;
  if (!command) return undefined;
  if (action.type === 'kick') {
    const data = command.data as { reason?: string; sessionId?: string };
    return {
      accountId: action.accountId,
      action: 'session_kicked',
      actor: 'system',
      reason: data.reason ?? null,
      loginId: action.loginId,
      details: { sessionId: data.sessionId, commandId: command.id },
    };
  }
  if (action.type === 'notify') {
    return {
      accountId: action.accountId,
      action: 'notification_sent',
      actor: 'system',
      loginId: action.loginId,
      details: { channel: action.channel, commandId: command.id },
    };
  }
  return undefined;
}

/** An email or SMS that reached its end: sent, skipped (channel gone) or failed for good. */
export function deliveryEntry(
  action: Pick<Action, 'accountId' | 'loginId'>,
  outcome: 'sent' | 'skipped' | 'failed',
  detail: string | null,
  details: Record<string, unknown>,
): NewAuditEntry {
  return {
    accountId: action.accountId,
    action: `notification_${outcome}`,
    actor: 'system',
    reason: outcome === 'sent' ? null : detail,
    loginId: action.loginId,
    details,
  };
}

export function accountUnlockedEntry(
  lock: AccountLock,
  by: Actor,
  reason: string,
  details: Record<string, unknown>,
): NewAuditEntry {
  return {
    accountId: lock.accountId,
    action: 'account_unlocked',
    actor: by,
    reason,
    loginId: lock.loginId,
    details: { lockId: lock.lockId, lockedAt: lock.lockedAt.toISOString(), ...details },
  };
}

export function unlockRefusedEntry(
  token: { accountId: string; lockId: string },
  code: string,
): NewAuditEntry {
  return {
    accountId: token.accountId,
    action: 'unlock_refused',
    actor: 'player',
    reason: code,
    details: { lockId: token.lockId },
  };
}

/** `wasDefault`: the account ran on the defaults until now (its first save is audited even if equal). */
export function policyChangedEntry(
  accountId: string,
  by: Actor,
  previous: ProtectionSettings,
  next: ProtectionSettings,
  wasDefault: boolean,
): NewAuditEntry {
  return {
    accountId,
    action: 'policy_changed',
    actor: by,
    reason: previous.policy === next.policy ? null : `policy ${previous.policy} → ${next.policy}`,
    details: { before: auditView(previous), after: auditView(next), wasDefault },
  };
}

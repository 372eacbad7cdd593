import type { Action } from './actions';
import type { NoticeKind, PlannedAction } from './policy';
import { Lowering, PendingContacts, auditView, maskEmail, maskPhone } from './settings';
import type { AccountLock, Actor, Channel, LoginFacts, ProtectionSettings, TravelPass } from './types';

export type AuditAction =
  | 'policy_changed'
  | 'policy_change_refused'
  | 'contact_verified'
  | 'contact_verification_refused'
  | 'account_locked'
  | 'account_unlocked'
  | 'unlock_refused'
  | 'support_list_read'
  | 'session_kicked'
  | 'login_blocked'
  | 'notification_sent'
  | 'notification_skipped'
  | 'notification_failed'
  | 'feedback'
  | 'feedback_refused'
  | 'feedback_repeated'
  | 'travel_pass_added'
  | 'travel_pass_removed'
  | 'shadow_action';

/** The details key naming the origin of a notice that follows no login. */
const originKey = { settings_change: 'changeId', contact: 'verificationId' } as const;

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

/** The entry an enforcing deployment would write when the action is carried out. */
const WOULD_BE: Record<PlannedAction['type'], AuditAction> = {
  notify: 'notification_sent',
  kick: 'session_kicked',
  block: 'login_blocked',
  lock: 'account_locked',
};

/**
 * SPEC §10: the entries of a decision made in shadow. Each action it would have carried out is a
 * `shadow_action` whose reason is the entry enforcing would have written (`account_locked`,
 * `session_kicked`, `login_blocked`, `notification_sent`), with what it would have done; a notice
 * skipped (no address, channel off) is audited as when enforcing: it would not have gone out either.
 */
export function shadowDecisionEntries(
  login: LoginFacts,
  actions: PlannedAction[],
  lockReason: string,
): NewAuditEntry[] {
  return actions.map((a) => {
    if (a.type === 'notify' && a.skip) return notificationSkippedEntry(login, { ...a, skip: a.skip });
    const what =
      a.type === 'notify'
        ? { channel: a.channel, kind: a.notice }
        : a.type === 'kick'
          ? { kickReason: a.reason }
          : a.type === 'lock'
            ? { lockReason }
            : { blockReason: 'region_blocked' };
    return {
      accountId: login.accountId,
      action: 'shadow_action',
      actor: 'system',
      reason: WOULD_BE[a.type],
      loginId: login.loginId,
      details: { shadow: true, type: a.type, ...what, country: login.country, sessionId: login.sessionId },
    };
  });
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
      loginId: action.origin === 'login' ? action.loginId : null,
      details: {
        channel: action.channel,
        commandId: command.id,
        ...(action.origin === 'login' ? {} : { [originKey[action.origin]]: action.loginId }),
      },
    };
  }
  return undefined;
}

/** An email or SMS that reached its end: sent, skipped (channel gone, capped) or failed for good. */
export function deliveryEntry(
  action: Pick<Action, 'accountId' | 'loginId' | 'origin'>,
  outcome: 'sent' | 'skipped' | 'failed',
  detail: string | null,
  details: Record<string, unknown>,
): NewAuditEntry {
  return {
    accountId: action.accountId,
    action: `notification_${outcome}`,
    actor: 'system',
    reason: outcome === 'sent' ? null : detail,
    // A notice that follows no login names its change or verification in the details instead.
    loginId: action.origin === 'login' ? action.loginId : null,
    details: action.origin === 'login' ? details : { ...details, [originKey[action.origin]]: action.loginId },
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

/**
 * The account id of audit entries about no single account: support reading a list across
 * accounts (SPEC §9). The audit table needs an account id; these entries are support's audit
 * trail of the account id `*` (GET /v1/accounts/%2A/audit).
 */
export const ACROSS_ACCOUNTS = '*';

/** Support read one of its lists across accounts (SPEC §9): who, which list, with what query. */
export function supportListReadEntry(
  by: Actor,
  list: 'locked_accounts' | 'suspicious_logins',
  query: Record<string, unknown>,
): NewAuditEntry {
  return { accountId: ACROSS_ACCOUNTS, action: 'support_list_read', actor: by, reason: list, details: query };
}

const auditPending = (p: PendingContacts) => ({
  pendingEmail: maskEmail(p.email),
  pendingPhone: maskPhone(p.phone),
});

/**
 * `wasDefault`: the account ran on the defaults until now (its first save is audited even if
 * equal). `changeId` names the change its notices follow up, when a player made it.
 */
export function policyChangedEntry(
  accountId: string,
  by: Actor,
  previous: { settings: ProtectionSettings; pending: PendingContacts },
  next: { settings: ProtectionSettings; pending: PendingContacts },
  wasDefault: boolean,
  changeId: string | null = null,
): NewAuditEntry {
  const a = previous.settings;
  const b = next.settings;
  return {
    accountId,
    action: 'policy_changed',
    actor: by,
    reason: a.policy === b.policy ? null : `policy ${a.policy} → ${b.policy}`,
    details: {
      before: { ...auditView(a), ...auditPending(previous.pending) },
      after: { ...auditView(b), ...auditPending(next.pending) },
      wasDefault,
      ...(changeId ? { changeId } : {}),
    },
  };
}

/** A player token too old to lower protection: the attempt stays on record. */
export function policyChangeRefusedEntry(
  accountId: string,
  lowering: Lowering[],
  tokenAgeSeconds: number | null,
): NewAuditEntry {
  return {
    accountId,
    action: 'policy_change_refused',
    actor: 'player',
    reason: 'AUTH.STEP_UP_REQUIRED',
    details: { lowering, tokenAgeSeconds },
  };
}

export function contactVerifiedEntry(
  accountId: string,
  contact: 'email' | 'phone',
  address: string,
  replaced: string | null,
): NewAuditEntry {
  const mask = contact === 'email' ? maskEmail : maskPhone;
  return {
    accountId,
    action: 'contact_verified',
    actor: 'player',
    details: { contact, address: mask(address), replaced: mask(replaced) },
  };
}

export function contactVerificationRefusedEntry(
  token: { accountId: string; contact: 'email' | 'phone' },
  code: string,
): NewAuditEntry {
  return {
    accountId: token.accountId,
    action: 'contact_verification_refused',
    actor: 'player',
    reason: code,
    details: { contact: token.contact },
  };
}

/**
 * A player's (or support's) answer to "was this you?" (SPEC §8), with what it did: `result` is
 * what a repeat of the same answer returns.
 */
export function feedbackEntry(
  login: { accountId: string; loginId: string },
  by: Actor,
  result: { answer: string; effects: Record<string, unknown> } & Record<string, unknown>,
  details: Record<string, unknown>,
): NewAuditEntry {
  return {
    accountId: login.accountId,
    action: 'feedback',
    actor: by,
    reason: result.answer,
    loginId: login.loginId,
    details: { answer: result.answer, by, loginId: login.loginId, result, ...details },
  };
}

/**
 * An answer refused: a one-time answer link used, expired, or "me" after "not me"; a bearer
 * token's "me" too new for the login (`by` its holder).
 */
export function feedbackRefusedEntry(
  token: { accountId: string; loginId: string },
  code: string,
  by: Actor = 'player',
): NewAuditEntry {
  return {
    accountId: token.accountId,
    action: 'feedback_refused',
    actor: by,
    reason: code,
    loginId: token.loginId,
    details: by === 'player' ? {} : { by },
  };
}

/**
 * The same answer again by someone other than whoever gave it first (support repeating a
 * player's answer): it changed nothing, but who said it is on record.
 */
export function feedbackRepeatedEntry(
  login: { accountId: string; loginId: string },
  by: Actor,
  first: { answer: string; by: string; at: string },
): NewAuditEntry {
  return {
    accountId: login.accountId,
    action: 'feedback_repeated',
    actor: by,
    reason: first.answer,
    loginId: login.loginId,
    details: { answer: first.answer, by, firstBy: first.by, firstAt: first.at },
  };
}

/** A travel pass "it was me" granted or extended, and the passes it replaced or pushed out. */
export function travelPassAddedEntry(
  accountId: string,
  by: Actor,
  loginId: string,
  change: { pass: TravelPass; replaced: TravelPass[]; dropped: TravelPass[] },
): NewAuditEntry {
  return {
    accountId,
    action: 'travel_pass_added',
    actor: by,
    reason: 'it was me',
    loginId,
    details: { ...change.pass, replaced: change.replaced, dropped: change.dropped },
  };
}

/** "Not me" after "me": the travel pass that "me" granted is taken back. */
export function travelPassRemovedEntry(
  accountId: string,
  by: Actor,
  loginId: string,
  pass: TravelPass,
): NewAuditEntry {
  return {
    accountId,
    action: 'travel_pass_removed',
    actor: by,
    reason: 'not me',
    loginId,
    details: { ...pass },
  };
}

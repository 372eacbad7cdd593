import type { NewAction } from '../../data-access/action.repository';
import type { NewLock } from '../../data-access/lock.repository';
import type { NewDecisionRow } from '../../data-access/tables/login-decision.table';
import type { Delivery } from '../../domain/actions';
import { NewAuditEntry, decisionEntries, shadowDecisionEntries } from '../../domain/audit';
import { Origin, accountLocked, playerMessage, sessionKick } from '../../domain/commands';
import { whatWasNew } from '../../domain/assessment';
import type { Decision } from '../../domain/decide';
import { deviceKey } from '../../domain/known';
import { PlannedAction, addressFor, lockReason } from '../../domain/policy';
import { NoticeFacts, renderInGame, renderKickMessage } from '../../domain/templates';

/**
 * How long the consumer has to carry out a decision's broker commands itself before the outbox
 * worker takes them over (the consumer died, or the message ended in the dead-letter queue).
 */
const COMMAND_GRACE_MS = 60_000;

export interface Rows {
  decision: NewDecisionRow;
  actions: NewAction[];
  audits: NewAuditEntry[];
  locks: NewLock[];
}

/**
 * What one decision writes: its own row, an action per planned action (broker commands
 * as complete events, email/SMS as facts to render when sent), its audit entries (the lock's
 * first) and its lock. `now` is the batch's one reading of the clock: the lock's time, which its
 * account.locked carries, and the base of every action's schedule.
 *
 * A decision made in shadow (SPEC §10) writes its row (marked shadow) and every action it would
 * carry out with the status `shadow`, done at once and with nothing to carry out (no event, no
 * delivery), so neither the consumer nor the outbox worker ever acts on it; no lock; and the
 * audit says what would have been done.
 */
export function decisionToRows(
  d: Decision,
  r: { origin: Origin; now: Date; settingsUrl: string | null },
): Rows {
  const { login, newLock, plan } = d;
  if (d.shadow) {
    return {
      decision: decisionRow(d, r.origin.id),
      actions: plan.actions.map((action) => shadowActionOf(action, d, r.now)),
      audits: shadowDecisionEntries(login, plan.actions, lockReason(plan.reasons, login.country)),
      locks: [],
    };
  }
  const unlockChannels = plan.actions.flatMap((a) =>
    a.type === 'notify' && !a.skip && (a.channel === 'email' || a.channel === 'sms') ? [a.channel] : [],
  );
  const actions = plan.actions.map((action) => actionOf(action, d, { ...r, unlockChannels }));
  const locks: NewLock[] = newLock
    ? [
        {
          accountId: login.accountId,
          lockId: newLock.lockId,
          reason: newLock.reason,
          lockedBy: 'system',
          loginId: login.loginId,
          lockedAt: r.now,
        },
      ]
    : [];
  return {
    decision: decisionRow(d, r.origin.id),
    actions,
    audits: decisionEntries(login, newLock, plan.actions),
    locks,
  };
}

/**
 * The decision's own row. It keeps the login's device (as its key, never the raw id) and ASN, so
 * an "it was me" for this login can make them known to the account (SPEC §8).
 */
function decisionRow(d: Decision, eventId: string): NewDecisionRow {
  const { login, settings, assessment, plan } = d;
  return {
    login_id: login.loginId,
    event_id: eventId,
    account_id: login.accountId,
    session_id: login.sessionId,
    ip: login.ip,
    country: login.country,
    home_country: login.homeCountry,
    logged_in_at: login.at,
    verdict: assessment.verdict,
    reasons: plan.reasons,
    policy: settings.policy,
    risk: assessment.risk,
    signals: JSON.stringify(assessment.signals),
    device_key: login.deviceId !== undefined ? deviceKey(login.deviceId) : null,
    asn: login.asn ?? null,
    ...(d.shadow ? { shadow: true } : {}),
  };
}

/**
 * An action of a shadow decision: recorded, never carried out. A notice the deployment could not
 * have sent either (no address, channel off) stays `skipped`, as when enforcing.
 */
function shadowActionOf(action: PlannedAction, { login }: Decision, now: Date): NewAction {
  const base = { loginId: login.loginId, accountId: login.accountId, type: action.type, completedAt: now };
  switch (action.type) {
    case 'notify':
      return action.skip
        ? { ...base, channel: action.channel, status: 'skipped', detail: action.skip }
        : { ...base, channel: action.channel, status: 'shadow', detail: action.notice };
    case 'kick':
      return { ...base, status: 'shadow', detail: action.reason };
    case 'block':
      return { ...base, status: 'shadow', detail: 'region_blocked' };
    case 'lock':
      return { ...base, status: 'shadow' };
  }
}

function actionOf(
  action: PlannedAction,
  { login, settings, newLock, plan }: Decision,
  r: { origin: Origin; now: Date; settingsUrl: string | null; unlockChannels: ('email' | 'sms')[] },
): NewAction {
  const base = { loginId: login.loginId, accountId: login.accountId, type: action.type };
  const later = new Date(r.now.getTime() + COMMAND_GRACE_MS);

  switch (action.type) {
    case 'notify': {
      if (action.skip)
        return {
          ...base,
          channel: action.channel,
          status: 'skipped',
          detail: action.skip,
          completedAt: r.now,
        };
      const notice: NoticeFacts = {
        kind: action.notice,
        accountId: login.accountId,
        country: login.country,
        ip: login.ip,
        at: login.at,
        unlock: null,
        lockEnded: false,
        unlockChannels: r.unlockChannels,
        settingsUrl: r.settingsUrl,
        ...(action.notice === 'new_sign_in' ? { news: whatWasNew(login) } : {}),
      };
      if (action.channel === 'in_game') {
        const event = playerMessage(r.origin, login, renderInGame(notice, settings.locale));
        return { ...base, channel: 'in_game', status: 'pending', payload: { event }, nextAttemptAt: later };
      }
      const delivery: Delivery = {
        to: addressFor(action.channel, settings)!,
        locale: settings.locale,
        notice,
        lockId: action.notice === 'lock' ? (newLock?.lockId ?? null) : null,
      };
      return { ...base, channel: action.channel, status: 'pending', payload: delivery, nextAttemptAt: r.now };
    }
    case 'kick': {
      const event = sessionKick(
        r.origin,
        login,
        action.reason,
        renderKickMessage(action.reason, settings.locale),
      );
      return { ...base, status: 'pending', detail: action.reason, payload: { event }, nextAttemptAt: later };
    }
    case 'block':
      return { ...base, status: 'done', detail: 'region_blocked', completedAt: r.now };
    case 'lock': {
      const event = accountLocked(
        r.origin,
        login,
        lockReason(plan.reasons, login.country),
        r.now.toISOString(),
      );
      return { ...base, status: 'pending', payload: { event }, nextAttemptAt: later };
    }
  }
}

import { randomUUID } from 'node:crypto';
import { listActionsOf } from '../../data-access/action.repository';
import { readBatchState, writeDecisions } from '../../data-access/batch.repository';
import type { Trx } from '../../data-access/db';
import { lockAccounts, toLockState } from '../../data-access/lock.repository';
import { AccountState, Decision, decideInOrder } from '../../domain/decide';
import { defaultSettings } from '../../domain/settings';
import { signalThresholds } from '../../config';
import type { AppContext } from '../context';
import type { DecidedLogin, DeliveredLogin } from './delivered-login';
import { decisionToRows } from './decision-to-rows';
import { answerKeysOf, withPlayerAnswers } from './player-answers';

/**
 * The decision transaction: every account of the batch locked at once, then what exists read
 * in one query, the new decisions computed in code and written with one insert per table.
 * Returns every login's decision, new or found: a decision found keeps how it was made (a
 * shadow decision stays one after a switch to ENFORCEMENT=enforce, and the other way round).
 */
export async function decideLogins(
  trx: Trx,
  ctx: AppContext,
  logins: DeliveredLogin[],
): Promise<Map<string, DecidedLogin>> {
  const accountIds = [...new Set(logins.map((l) => l.facts.accountId))];
  await lockAccounts(trx, accountIds);
  const state = await readBatchState(
    trx,
    logins.map((l) => l.loginId),
    accountIds,
    answerKeysOf(logins.map((l) => l.facts)),
  );
  const out = new Map<string, DecidedLogin>();
  const existing = state.decisions;
  if (existing.size > 0) {
    const actions = await listActionsOf(trx, [...existing.keys()]);
    for (const [id, decision] of existing)
      out.set(id, { decision, actions: actions.get(id)!, created: false });
  }
  const fresh = new Map(logins.filter((l) => !existing.has(l.loginId)).map((l) => [l.loginId, l]));
  if (fresh.size === 0) return out;

  const defaults = defaultSettings({
    policy: ctx.config.DEFAULT_POLICY,
    channels: ctx.config.DEFAULT_CHANNELS,
    locale: ctx.config.DEFAULT_LOCALE,
  });
  const accountOf = (accountId: string): AccountState => {
    const lock = state.locks.get(accountId);
    return { settings: state.settings.get(accountId) ?? defaults, lock: lock ? toLockState(lock) : null };
  };
  const decisions = decideInOrder({
    logins: withPlayerAnswers(
      [...fresh.values()].map((l) => l.facts),
      state.answers,
    ),
    accountOf,
    channelsEnabled: ctx.channelsEnabled,
    newLockId: randomUUID,
    thresholds: signalThresholds(ctx.config),
    shadow: ctx.config.ENFORCEMENT === 'shadow',
  });

  // One clock reading for the batch: its new locks' time, which their account.locked carry.
  const now = ctx.clock();
  const rows = decisions.map((d) => {
    const login = fresh.get(d.login.loginId)!;
    logSkipped(login, d);
    return decisionToRows(d, { origin: login.event, now, settingsUrl: ctx.config.SETTINGS_URL ?? null });
  });
  const { inserted, actions } = await writeDecisions(trx, {
    decisions: rows.map((r) => r.decision),
    locks: rows.flatMap((r) => r.locks),
    actions: rows.flatMap((r) => r.actions),
    audits: rows.flatMap((r) => r.audits),
  });
  if (inserted !== decisions.length) {
    // Unreachable while the account locks hold (the same login always has the same account);
    // the transaction is rolled back and a retry finds the other decision.
    throw new Error('a login of this batch was decided concurrently elsewhere');
  }

  for (const { login, settings, assessment, plan, shadow } of decisions) {
    const decision = {
      loginId: login.loginId,
      accountId: login.accountId,
      sessionId: login.sessionId,
      verdict: assessment.verdict,
      reasons: plan.reasons,
      policy: settings.policy,
      risk: assessment.risk,
      signals: assessment.signals,
      shadow,
      assessedPublished: false,
    };
    out.set(login.loginId, { decision, actions: [], created: true });
  }
  for (const a of actions) out.get(a.loginId)!.actions.push(a);
  return out;
}

function logSkipped(login: DeliveredLogin, d: Decision): void {
  for (const a of d.plan.actions)
    if (a.type === 'notify' && a.skip)
      login.log.warn({ channel: a.channel, why: a.skip }, 'notification channel skipped');
}

import { randomUUID } from 'node:crypto';
import {
  ACCOUNT_LOCKED,
  EventOf,
  LOGIN_ASSESSED,
  LOGIN_RECORDED,
  LoginAssessedData,
  Logger,
  PLAYER_MESSAGE,
  SESSION_KICK,
  followUp,
  loginIdOf,
} from '@account-security/shared';
import { insertActions, listActions } from '../data-access/action-repository';
import { AuditEntry, appendAudit } from '../data-access/audit-repository';
import {
  findDecision,
  insertDecision,
  lockDecision,
  markAssessedPublished,
} from '../data-access/decision-repository';
import { findLock, insertLock, serializeAccount, toLockState } from '../data-access/lock-repository';
import type { ActionRow, DecisionRow, Executor, NewAction } from '../data-access/schema';
import { findSettings, toSettings } from '../data-access/settings-repository';
import { assessLogin } from '../domain/assessment';
import { PlannedAction, addressFor, lockReason, planActions } from '../domain/policy';
import { defaultSettings } from '../domain/settings';
import { NoticeFacts, renderInGame, renderKickMessage } from '../domain/templates';
import type { LoginFacts, ProtectionSettings } from '../domain/types';
import { carryOutCommand, inPublishOrder } from './commands';
import { AppContext, SOURCE } from './context';
import { CommandPayload, DeliveryPayload, commandOf, isDelivery } from './payloads';

type LoginRecorded = EventOf<typeof LOGIN_RECORDED>;

/**
 * How long the consumer has to carry out a decision's broker commands itself before the outbox
 * worker takes them over (the consumer died, or the message ended in the dead-letter queue).
 */
const COMMAND_GRACE_MS = 60_000;

interface Decided {
  decision: DecisionRow;
  actions: ActionRow[];
  created: boolean;
}

/**
 * login.recorded → a decision, carried out. Exactly-once effects under at-least-once delivery:
 *
 * 1. One transaction, keyed by the login id, serialised per account: the decision row (unique
 *    per login), one row per action (unique per login/type/channel), the lock and the audit
 *    entries. A redelivery finds the decision and changes nothing.
 * 2. In a second transaction that holds the decision row locked (so duplicates arriving at the
 *    same time wait, then find everything done), the commands still pending are published on
 *    confirm and marked done, then login.assessed is published once and remembered. Command ids
 *    are deterministic (login id + type + channel), so the re-publish that follows a crash
 *    between confirm and commit is a duplicate that consumers drop.
 * 3. Email and SMS stay pending for the outbox worker, woken now. The message is acked as soon as
 *    this returns: lock, kick and login.assessed are confirmed and the notifications are durable,
 *    so a slow or dead SMTP server never holds the message or the kick.
 */
export async function handleLoginRecorded(ctx: AppContext, event: LoginRecorded, log: Logger): Promise<void> {
  const loginId = loginIdOf(event);
  const { decision, actions, created } = await ctx.db
    .transaction()
    .execute((trx) => decide(trx, ctx, event, log));
  if (created) {
    ctx.metrics.assessments.inc({ verdict: decision.verdict, policy: decision.policy });
    log.info(
      {
        verdict: decision.verdict,
        reasons: decision.reasons,
        policy: decision.policy,
        actions: actions.length,
      },
      'login assessed',
    );
  } else {
    log.info('login already assessed: finishing what is left of it');
  }

  // One carrier per login at a time: the decision row stays locked while its commands and
  // login.assessed are published, so a concurrent duplicate waits and then finds nothing to do.
  let inGameSent = 0;
  await ctx.db.transaction().execute(async (trx) => {
    const locked = (await lockDecision(trx, loginId))!;
    const current = await listActions(trx, loginId);
    for (const row of inPublishOrder(current.filter((a) => a.status === 'pending' && !isDelivery(a)))) {
      const command = commandOf(row);
      if (command && (await carryOutCommand(ctx, trx, row, command)) && row.type === 'notify') inGameSent++;
    }
    if (!locked.assessed_published_at) {
      const data = assessedData(locked, await listActions(trx, loginId));
      await ctx.broker.publish(followUp(event, LOGIN_ASSESSED, data, { source: SOURCE }));
      await markAssessedPublished(trx, loginId);
    }
  });
  if (inGameSent) ctx.metrics.notifications.inc({ channel: 'in_game', outcome: 'sent' }, inGameSent);

  if (actions.some((a) => a.status === 'pending' && isDelivery(a))) ctx.wakeWorker();
}

function assessedData(decision: DecisionRow, actions: ActionRow[]): LoginAssessedData {
  return {
    accountId: decision.account_id,
    sessionId: decision.session_id,
    loginEventId: decision.login_id,
    verdict: decision.verdict as LoginAssessedData['verdict'],
    reasons: decision.reasons,
    policy: decision.policy as LoginAssessedData['policy'],
    actions: actions.map((a) => ({
      type: a.type as LoginAssessedData['actions'][number]['type'],
      ...(a.channel ? { channel: a.channel as 'email' | 'sms' | 'in_game' } : {}),
      status: a.status,
    })),
  };
}

async function decide(trx: Executor, ctx: AppContext, event: LoginRecorded, log: Logger): Promise<Decided> {
  const { config } = ctx;
  const data = event.data;
  const loginId = loginIdOf(event);
  await serializeAccount(trx, data.accountId);

  const existing = await findDecision(trx, loginId);
  if (existing) return { decision: existing, actions: await listActions(trx, loginId), created: false };

  const stored = await findSettings(trx, data.accountId);
  const settings = stored
    ? toSettings(stored)
    : defaultSettings({
        policy: config.DEFAULT_POLICY,
        channels: config.DEFAULT_CHANNELS,
        locale: config.DEFAULT_LOCALE,
      });
  const lockRow = await findLock(trx, data.accountId);
  const facts: LoginFacts = {
    loginId,
    accountId: data.accountId,
    sessionId: data.sessionId,
    ip: data.ip,
    country: data.geo.country,
    ...(data.geo.reason ? { countryUnknownReason: data.geo.reason } : {}),
    homeCountry: data.homeCountry ?? config.HOME_COUNTRY,
    at: event.time,
  };
  const assessment = assessLogin(facts, settings);
  const plan = planActions({
    assessment,
    policy: settings.policy,
    lock: lockRow ? toLockState(lockRow) : null,
    settings,
    channelsEnabled: ctx.channelsEnabled,
  });

  const decision = await insertDecision(trx, {
    login_id: loginId,
    event_id: event.id,
    account_id: facts.accountId,
    session_id: facts.sessionId,
    ip: facts.ip,
    country: facts.country,
    home_country: facts.homeCountry,
    logged_in_at: facts.at,
    verdict: assessment.verdict,
    reasons: plan.reasons,
    policy: settings.policy,
  });
  if (!decision) {
    // Unreachable while serializeAccount holds: the same login always has the same account.
    const again = (await findDecision(trx, loginId))!;
    return { decision: again, actions: await listActions(trx, loginId), created: false };
  }

  const audits: AuditEntry[] = [];
  let lockId: string | null = null;
  let lockedAt = '';
  if (plan.actions.some((a) => a.type === 'lock')) {
    const reason = lockReason(plan.reasons, facts.country);
    const lock = await insertLock(trx, {
      accountId: facts.accountId,
      lockId: randomUUID(),
      reason,
      lockedBy: 'system',
      loginId,
    });
    lockId = lock.lock_id;
    lockedAt = lock.locked_at.toISOString();
    audits.push({
      accountId: facts.accountId,
      action: 'account_locked',
      actor: 'system',
      reason,
      loginId,
      details: { lockId, country: facts.country, sessionId: facts.sessionId },
    });
  }

  const unlockChannels = plan.actions.flatMap((a) =>
    a.type === 'notify' && !a.skip && (a.channel === 'email' || a.channel === 'sms') ? [a.channel] : [],
  );
  const rows: NewAction[] = plan.actions.map((action) =>
    actionRow(action, {
      event,
      facts,
      settings,
      lockId,
      lockedAt,
      reason: plan.reasons,
      unlockChannels,
      ctx,
      audits,
      log,
    }),
  );
  const actions = await insertActions(trx, rows);
  await appendAudit(trx, audits);
  return { decision, actions, created: true };
}

interface RowContext {
  event: LoginRecorded;
  facts: LoginFacts;
  settings: ProtectionSettings;
  lockId: string | null;
  lockedAt: string;
  reason: string[];
  unlockChannels: ('email' | 'sms')[];
  ctx: AppContext;
  audits: AuditEntry[];
  log: Logger;
}

function actionRow(action: PlannedAction, r: RowContext): NewAction {
  const { facts, settings, event, ctx } = r;
  const base = { login_id: facts.loginId, account_id: facts.accountId, type: action.type };
  const later = new Date(Date.now() + COMMAND_GRACE_MS);
  const command = (e: CommandPayload['event']) => JSON.stringify({ event: e } satisfies CommandPayload);

  switch (action.type) {
    case 'notify': {
      if (action.skip) {
        r.log.warn({ channel: action.channel, why: action.skip }, 'notification channel skipped');
        ctx.metrics.notifications.inc({ channel: action.channel, outcome: 'skipped' });
        r.audits.push({
          accountId: facts.accountId,
          action: 'notification_skipped',
          actor: 'system',
          reason: action.skip,
          loginId: facts.loginId,
          details: { channel: action.channel, kind: action.notice },
        });
        return {
          ...base,
          channel: action.channel,
          status: 'skipped',
          detail: action.skip,
          completed_at: new Date(),
        };
      }
      const notice: NoticeFacts = {
        kind: action.notice,
        accountId: facts.accountId,
        country: facts.country,
        ip: facts.ip,
        at: facts.at,
        unlock: null,
        lockEnded: false,
        unlockChannels: r.unlockChannels,
        settingsUrl: ctx.config.SETTINGS_URL ?? null,
      };
      if (action.channel === 'in_game') {
        const message = followUp(
          event,
          PLAYER_MESSAGE,
          { accountId: facts.accountId, text: renderInGame(notice, settings.locale) },
          { source: SOURCE, qualifier: 'in_game' },
        );
        return {
          ...base,
          channel: 'in_game',
          status: 'pending',
          payload: command(message),
          next_attempt_at: later,
        };
      }
      const payload: DeliveryPayload = {
        to: addressFor(action.channel, settings)!,
        locale: settings.locale,
        notice,
        lockId: action.notice === 'lock' ? r.lockId : null,
      };
      return {
        ...base,
        channel: action.channel,
        status: 'pending',
        payload: JSON.stringify(payload),
        next_attempt_at: new Date(),
      };
    }
    case 'kick': {
      const kick = followUp(
        event,
        SESSION_KICK,
        {
          accountId: facts.accountId,
          sessionId: facts.sessionId,
          reason: action.reason,
          message: renderKickMessage(action.reason, settings.locale),
        },
        { source: SOURCE },
      );
      return {
        ...base,
        status: 'pending',
        detail: action.reason,
        payload: command(kick),
        next_attempt_at: later,
      };
    }
    case 'block':
      r.audits.push({
        accountId: facts.accountId,
        action: 'login_blocked',
        actor: 'system',
        reason: 'region_blocked',
        loginId: facts.loginId,
        details: { country: facts.country, sessionId: facts.sessionId },
      });
      return { ...base, status: 'done', detail: 'region_blocked', completed_at: new Date() };
    case 'lock': {
      const locked = followUp(
        event,
        ACCOUNT_LOCKED,
        {
          accountId: facts.accountId,
          reason: lockReason(r.reason, facts.country),
          by: 'system',
          at: r.lockedAt,
        },
        { source: SOURCE },
      );
      return { ...base, status: 'pending', payload: command(locked), next_attempt_at: later };
    }
  }
}

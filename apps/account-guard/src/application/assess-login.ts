import { randomUUID } from 'node:crypto';
import {
  ACCOUNT_LOCKED,
  BatchItem,
  EventOf,
  LOGIN_ASSESSED,
  LOGIN_RECORDED,
  LoginAssessedData,
  Logger,
  PLAYER_MESSAGE,
  SESSION_KICK,
  followUp,
  isTransientDbError,
  loginIdOf,
} from '@account-security/shared';
import { completeCommands, listActionsOf } from '../data-access/action-repository';
import { AuditEntry, appendAudit } from '../data-access/audit-repository';
import { lockDecisions, markAssessedPublished } from '../data-access/decision-repository';
import { readBatchState, writeDecisions } from '../data-access/batch-repository';
import { serializeAccounts, toLockState } from '../data-access/lock-repository';
import type { ActionRow, DecisionRow, Executor, NewAction } from '../data-access/schema';
import { toSettings } from '../data-access/settings-repository';
import { AccountState, LoginDecision, decideInOrder } from '../domain/decide';
import { PlannedAction, addressFor, lockReason } from '../domain/policy';
import { defaultSettings } from '../domain/settings';
import { NoticeFacts, renderInGame, renderKickMessage } from '../domain/templates';
import type { LoginFacts, ProtectionSettings } from '../domain/types';
import { commandAudit, confirmedStatus, inPublishOrder } from './commands';
import { AppContext, SOURCE } from './context';
import { CommandPayload, DeliveryPayload, commandOf, isDelivery } from './payloads';

type LoginRecorded = EventOf<typeof LOGIN_RECORDED>;

/**
 * How long the consumer has to carry out a decision's broker commands itself before the outbox
 * worker takes them over (the consumer died, or the message ended in the dead-letter queue).
 */
const COMMAND_GRACE_MS = 60_000;

/** One login of a batch: the first delivery of its id (duplicates share it). */
interface Login {
  loginId: string;
  event: LoginRecorded;
  log: Logger;
  facts: LoginFacts;
}

/** What login.assessed tells of a decision. */
type Decision = Pick<
  DecisionRow,
  'login_id' | 'account_id' | 'session_id' | 'verdict' | 'reasons' | 'policy' | 'assessed_published_at'
>;

interface Decided {
  decision: Decision;
  actions: ActionRow[];
  created: boolean;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** A broker command (player.message, session.kick, account.locked) still to be published. */
const pendingCommand = (a: ActionRow) => a.status === 'pending' && !isDelivery(a);

/**
 * A batch of login.recorded deliveries → decisions, carried out. Exactly-once effects under
 * at-least-once delivery:
 *
 * 1. One transaction for the batch, serialised per account (advisory locks on all its accounts,
 *    taken in one global order) and keyed by login id: the decision rows (unique per login), one
 *    row per action (unique per login/type/channel), the locks and the audit entries. Logins are
 *    decided in login-time order, so a later login of an account sees an earlier one's lock. A
 *    login already decided (a redelivery) is decided nothing new; the same login twice in the
 *    batch is decided once.
 * 2. After the commit, a second transaction for the batch holds the decision rows of its
 *    unfinished logins locked (so duplicates arriving at the same time, in another batch or
 *    replica, wait and then find everything done). A decision without broker commands (the common
 *    case) only needs its login.assessed; one with commands has them published on confirm in
 *    order first. What the broker confirmed is marked done, audited and remembered with one
 *    statement per table. All ids are deterministic (login id + type + channel), so the
 *    re-publish that follows a crash between confirm and commit is a duplicate consumers drop.
 * 3. Email and SMS stay pending for the outbox worker, woken now. A delivery is acked when its
 *    entry here is undefined: lock, kick and login.assessed are confirmed and the notifications
 *    are durable, so a slow or dead SMTP server never holds the message or the kick. A delivery
 *    whose entry is an Error goes to the retry path; the others of the batch are not held back.
 */
export async function handleLoginBatch(
  ctx: AppContext,
  items: BatchItem<typeof LOGIN_RECORDED>[],
): Promise<(Error | undefined)[]> {
  const logins = new Map<string, { login: Login; indexes: number[] }>();
  items.forEach(({ event, ctx: hctx }, i) => {
    const loginId = loginIdOf(event);
    const seen = logins.get(loginId);
    if (seen) seen.indexes.push(i);
    else logins.set(loginId, { login: toLogin(ctx, event, hctx.log), indexes: [i] });
  });
  const unique = [...logins.values()].map((l) => l.login);

  const { decided, failed } = await decideAll(ctx, unique);
  const pending: { login: Login; decided: Decided }[] = [];
  for (const login of unique) {
    const d = decided.get(login.loginId);
    if (!d) continue;
    report(ctx, login, d);
    // A redelivery of a login whose every effect is done already has nothing left to do.
    if (d.created || !d.decision.assessed_published_at || d.actions.some(pendingCommand))
      pending.push({ login, decided: d });
  }
  for (const [loginId, err] of await carryOut(ctx, pending)) failed.set(loginId, err);

  const deliveries = (d: Decided) =>
    d.created && d.actions.some((a) => a.status === 'pending' && isDelivery(a));
  if ([...decided.values()].some(deliveries)) ctx.wakeWorker();

  const errors: (Error | undefined)[] = items.map(() => undefined);
  for (const [loginId, err] of failed) for (const i of logins.get(loginId)!.indexes) errors[i] = err;
  return errors;
}

function toLogin(ctx: AppContext, event: LoginRecorded, log: Logger): Login {
  const data = event.data;
  const loginId = loginIdOf(event);
  return {
    loginId,
    event,
    log,
    facts: {
      loginId,
      accountId: data.accountId,
      sessionId: data.sessionId,
      ip: data.ip,
      country: data.geo.country,
      ...(data.geo.reason ? { countryUnknownReason: data.geo.reason } : {}),
      homeCountry: data.homeCountry ?? ctx.config.HOME_COUNTRY,
      at: event.time,
    },
  };
}

/** Logs and counts a decision once it is committed. */
function report(ctx: AppContext, login: Login, { decision, actions, created }: Decided): void {
  if (!created) {
    login.log.info('login already assessed: finishing what is left of it');
    return;
  }
  ctx.metrics.assessments.inc({ verdict: decision.verdict, policy: decision.policy });
  for (const a of actions) {
    if (a.type === 'notify' && a.status === 'skipped')
      ctx.metrics.notifications.inc({ channel: a.channel ?? 'unknown', outcome: 'skipped' });
  }
  login.log.info(
    {
      verdict: decision.verdict,
      reasons: decision.reasons,
      policy: decision.policy,
      actions: actions.length,
    },
    'login assessed',
  );
}

/**
 * Decides the batch in one transaction. When that fails for a reason other than the database
 * being unavailable, something in the batch may be wrong for the database itself: its logins are
 * then decided one by one, so a poison login fails alone and the others go on.
 */
async function decideAll(
  ctx: AppContext,
  logins: Login[],
): Promise<{ decided: Map<string, Decided>; failed: Map<string, Error> }> {
  const failed = new Map<string, Error>();
  const decide = (some: Login[]) => ctx.db.transaction().execute((trx) => decideLogins(trx, ctx, some));
  if (logins.length === 0) return { decided: new Map(), failed };
  try {
    return { decided: await decide(logins), failed };
  } catch (err) {
    if (logins.length === 1 || isTransientDbError(err)) {
      for (const l of logins) failed.set(l.loginId, asError(err));
      return { decided: new Map(), failed };
    }
    ctx.logger.warn(
      { err: asError(err).message, batch: logins.length },
      'batch could not be decided; deciding its logins one by one',
    );
  }
  const decided = new Map<string, Decided>();
  for (const login of logins) {
    try {
      for (const [id, d] of await decide([login])) decided.set(id, d);
    } catch (err) {
      failed.set(login.loginId, asError(err));
    }
  }
  return { decided, failed };
}

/**
 * The decision transaction: every account of the batch locked at once, then what exists read
 * in one query, the new decisions computed in code and written with one insert per table.
 * Returns every login's decision, new or found.
 */
async function decideLogins(trx: Executor, ctx: AppContext, logins: Login[]): Promise<Map<string, Decided>> {
  const accountIds = [...new Set(logins.map((l) => l.facts.accountId))];
  await serializeAccounts(trx, accountIds);
  const state = await readBatchState(
    trx,
    logins.map((l) => l.loginId),
    accountIds,
  );
  const out = new Map<string, Decided>();
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
    const s = state.settings.get(accountId);
    const lock = state.locks.get(accountId);
    return { settings: s ? toSettings(s) : defaults, lock: lock ? toLockState(lock) : null };
  };
  const decisions = decideInOrder({
    logins: [...fresh.values()].map((l) => l.facts),
    accountOf,
    channelsEnabled: ctx.channelsEnabled,
    newLockId: randomUUID,
  });

  // One clock reading for the batch's new locks: their account.locked commands carry it.
  const lockedAt = new Date();
  const audits: AuditEntry[] = [];
  const actionsToWrite: NewAction[] = decisions.flatMap((d) =>
    actionRows(d, {
      login: fresh.get(d.login.loginId)!,
      lockedAt: lockedAt.toISOString(),
      ctx,
      audits,
    }),
  );
  const { inserted, actions } = await writeDecisions(trx, {
    decisions: decisions.map(({ login, settings, assessment, plan }) => ({
      login_id: login.loginId,
      event_id: fresh.get(login.loginId)!.event.id,
      account_id: login.accountId,
      session_id: login.sessionId,
      ip: login.ip,
      country: login.country,
      home_country: login.homeCountry,
      logged_in_at: login.at,
      verdict: assessment.verdict,
      reasons: plan.reasons,
      policy: settings.policy,
    })),
    locks: decisions.flatMap(({ login, newLock }) =>
      newLock
        ? [
            {
              accountId: login.accountId,
              lockId: newLock.lockId,
              reason: newLock.reason,
              lockedBy: 'system',
              loginId: login.loginId,
              lockedAt,
            },
          ]
        : [],
    ),
    actions: actionsToWrite,
    audits,
  });
  if (inserted !== decisions.length) {
    // Unreachable while the account locks hold (the same login always has the same account);
    // the transaction is rolled back and a retry finds the other decision.
    throw new Error('a login of this batch was decided concurrently elsewhere');
  }

  for (const { login, settings, assessment, plan } of decisions) {
    const decision: Decision = {
      login_id: login.loginId,
      account_id: login.accountId,
      session_id: login.sessionId,
      verdict: assessment.verdict,
      reasons: plan.reasons,
      policy: settings.policy,
      assessed_published_at: null,
    };
    out.set(login.loginId, { decision, actions: [], created: true });
  }
  for (const a of actions) out.get(a.login_id)!.actions.push(a);
  return out;
}

/** One decision's action rows, and its audit entries (the lock's first) appended to `audits`. */
function actionRows(
  d: LoginDecision,
  r: { login: Login; lockedAt: string; ctx: AppContext; audits: AuditEntry[] },
): NewAction[] {
  const { login: facts, newLock, plan, settings } = d;
  if (newLock) {
    r.audits.push({
      accountId: facts.accountId,
      action: 'account_locked',
      actor: 'system',
      reason: newLock.reason,
      loginId: facts.loginId,
      details: { lockId: newLock.lockId, country: facts.country, sessionId: facts.sessionId },
    });
  }
  const unlockChannels = plan.actions.flatMap((a) =>
    a.type === 'notify' && !a.skip && (a.channel === 'email' || a.channel === 'sms') ? [a.channel] : [],
  );
  return plan.actions.map((action) =>
    actionRow(action, {
      event: r.login.event,
      facts,
      settings,
      lockId: newLock?.lockId ?? null,
      lockedAt: r.lockedAt,
      reason: plan.reasons,
      unlockChannels,
      ctx: r.ctx,
      audits: r.audits,
      log: r.login.log,
    }),
  );
}

/**
 * After the decisions are committed: one transaction holds the decision rows of the batch's
 * unfinished logins locked (a concurrent duplicate, or the outbox worker, waits and then finds
 * everything done) while each login's pending broker commands are published in order, each
 * confirmed before the next, followed by its login.assessed. Accounts go concurrently, an
 * account's logins one after the other in login-time order. The commands confirmed are then
 * marked done and audited, and the login.assessed remembered, with one statement per table. A
 * login without commands (the common case) costs only its publish. Returns the logins that failed:
 * what they published unremembered goes out again on their retry, with the same ids.
 */
async function carryOut(
  ctx: AppContext,
  pending: { login: Login; decided: Decided }[],
): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  if (pending.length === 0) return failed;
  let done: ActionRow[] = [];
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const locked = await lockDecisions(
        trx,
        pending.map((t) => t.login.loginId),
      );
      // Only logins that had commands pending can have had them carried out by someone else
      // between the decision and the lock: those are read again.
      const current = await listActionsOf(
        trx,
        pending.filter((t) => t.decided.actions.some(pendingCommand)).map((t) => t.login.loginId),
      );
      const confirmed: number[] = [];
      const assessed: string[] = [];
      const publishFor = async ({ login, decided }: { login: Login; decided: Decided }) => {
        const decision = { ...decided.decision, ...locked.get(login.loginId)! };
        let actions = current.get(login.loginId) ?? decided.actions;
        for (const row of inPublishOrder(actions.filter(pendingCommand))) {
          const command = commandOf(row);
          if (!command) continue;
          await ctx.broker.publish(command.event);
          confirmed.push(row.id);
          actions = actions.map((a) => (a.id === row.id ? { ...a, status: confirmedStatus(a) } : a));
        }
        if (!decision.assessed_published_at) {
          const data = assessedData(decision, actions);
          await ctx.broker.publish(followUp(login.event, LOGIN_ASSESSED, data, { source: SOURCE }));
          assessed.push(login.loginId);
        }
      };
      await Promise.all(
        byAccountInTimeOrder(pending).map(async (list) => {
          for (const t of list) {
            try {
              await publishFor(t);
            } catch (err) {
              failed.set(t.login.loginId, asError(err));
            }
          }
        }),
      );
      done = await completeCommands(trx, confirmed);
      await appendAudit(
        trx,
        done.flatMap((row) => commandAudit(row) ?? []),
      );
      await markAssessedPublished(trx, assessed);
    });
  } catch (err) {
    for (const { login } of pending) failed.set(login.loginId, asError(err));
    return failed;
  }
  const inGame = done.filter((a) => a.type === 'notify').length;
  if (inGame) ctx.metrics.notifications.inc({ channel: 'in_game', outcome: 'sent' }, inGame);
  return failed;
}

function byAccountInTimeOrder<T extends { login: Login }>(items: T[]): T[][] {
  const byAccount = new Map<string, T[]>();
  const ordered = [...items].sort((a, b) => Date.parse(a.login.facts.at) - Date.parse(b.login.facts.at));
  for (const item of ordered) {
    const list = byAccount.get(item.login.facts.accountId);
    if (list) list.push(item);
    else byAccount.set(item.login.facts.accountId, [item]);
  }
  return [...byAccount.values()];
}

function assessedData(decision: Decision, actions: ActionRow[]): LoginAssessedData {
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

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
import { insertActions, listActions, listActionsOf } from '../data-access/action-repository';
import { AuditEntry, appendAudit } from '../data-access/audit-repository';
import {
  findDecisions,
  insertDecisions,
  lockDecision,
  lockUnpublishedDecisions,
  markAllAssessedPublished,
  markAssessedPublished,
} from '../data-access/decision-repository';
import { findLocks, insertLocks, serializeAccounts, toLockState } from '../data-access/lock-repository';
import type { ActionRow, DecisionRow, Executor, NewAction } from '../data-access/schema';
import { findSettingsOf, toSettings } from '../data-access/settings-repository';
import { AccountState, LoginDecision, decideInOrder } from '../domain/decide';
import { PlannedAction, addressFor, lockReason } from '../domain/policy';
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

/** Logins of one batch whose broker commands are carried out at the same time (each holds a connection). */
const COMMAND_CONCURRENCY = 4;

/** One login of a batch: the first delivery of its id (duplicates share it). */
interface Login {
  loginId: string;
  event: LoginRecorded;
  log: Logger;
  facts: LoginFacts;
}

interface Decided {
  decision: DecisionRow;
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
 * 2. After the commit, a decision without broker commands (the common case) only needs its
 *    login.assessed: published for all such logins at once under their decision rows' locks, and
 *    remembered in one UPDATE. A decision with broker commands goes the careful way, one login
 *    per transaction that holds its decision row locked (so duplicates arriving at the same time
 *    wait, then find everything done): its pending commands are published on confirm and marked
 *    done, in order, then login.assessed is published once and remembered. All ids are
 *    deterministic (login id + type + channel), so the re-publish that follows a crash between
 *    confirm and commit is a duplicate that consumers drop.
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
  const quick: { login: Login; decided: Decided }[] = [];
  const careful: Login[] = [];
  for (const login of unique) {
    const d = decided.get(login.loginId);
    if (!d) continue;
    report(ctx, login, d);
    if (d.actions.some(pendingCommand)) careful.push(login);
    else if (d.created) quick.push({ login, decided: d });
    else if (!d.decision.assessed_published_at) careful.push(login);
    // else: a redelivery of a login whose every effect is done already.
  }

  const [quickFailed, carefulFailed] = await Promise.all([
    publishAssessed(ctx, quick),
    carryOutAll(ctx, careful),
  ]);
  for (const [loginId, err] of [...quickFailed, ...carefulFailed]) failed.set(loginId, err);

  if (
    [...decided.values()].some(
      (d) => d.created && d.actions.some((a) => a.status === 'pending' && isDelivery(a)),
    )
  )
    ctx.wakeWorker();

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
 * in one query per table, the new decisions computed in code and written with one insert per
 * table. Returns every login's decision, new or found.
 */
async function decideLogins(trx: Executor, ctx: AppContext, logins: Login[]): Promise<Map<string, Decided>> {
  await serializeAccounts(
    trx,
    logins.map((l) => l.facts.accountId),
  );
  const out = new Map<string, Decided>();
  const existing = await findDecisions(
    trx,
    logins.map((l) => l.loginId),
  );
  if (existing.size > 0) {
    const actions = await listActionsOf(trx, [...existing.keys()]);
    for (const [id, decision] of existing)
      out.set(id, { decision, actions: actions.get(id)!, created: false });
  }
  const fresh = new Map(logins.filter((l) => !existing.has(l.loginId)).map((l) => [l.loginId, l]));
  if (fresh.size === 0) return out;

  const accountIds = [...new Set([...fresh.values()].map((l) => l.facts.accountId))];
  const stored = await findSettingsOf(trx, accountIds);
  const locks = await findLocks(trx, accountIds);
  const defaults = defaultSettings({
    policy: ctx.config.DEFAULT_POLICY,
    channels: ctx.config.DEFAULT_CHANNELS,
    locale: ctx.config.DEFAULT_LOCALE,
  });
  const accountOf = (accountId: string): AccountState => {
    const s = stored.get(accountId);
    const lock = locks.get(accountId);
    return { settings: s ? toSettings(s) : defaults, lock: lock ? toLockState(lock) : null };
  };
  const decisions = decideInOrder({
    logins: [...fresh.values()].map((l) => l.facts),
    accountOf,
    channelsEnabled: ctx.channelsEnabled,
    newLockId: randomUUID,
  });

  const inserted = await insertDecisions(
    trx,
    decisions.map(({ login, settings, assessment, plan }) => ({
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
  );
  if (inserted.length !== decisions.length) {
    // Unreachable while the account locks hold (the same login always has the same account);
    // a retry finds the other decision.
    throw new Error('a login of this batch was decided concurrently elsewhere');
  }

  const newLocks = await insertLocks(
    trx,
    decisions.flatMap(({ login, newLock }) =>
      newLock
        ? [
            {
              accountId: login.accountId,
              lockId: newLock.lockId,
              reason: newLock.reason,
              lockedBy: 'system',
              loginId: login.loginId,
            },
          ]
        : [],
    ),
  );
  const lockedAt = new Map(newLocks.map((l) => [l.lock_id, l.locked_at.toISOString()]));

  const audits: AuditEntry[] = [];
  const rows: NewAction[] = decisions.flatMap((d) =>
    actionRows(d, {
      login: fresh.get(d.login.loginId)!,
      lockedAt: d.newLock ? lockedAt.get(d.newLock.lockId)! : '',
      ctx,
      audits,
    }),
  );
  const actions = await insertActions(trx, rows);
  await appendAudit(trx, audits);

  for (const decision of inserted) out.set(decision.login_id, { decision, actions: [], created: true });
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
 * login.assessed for decisions without broker commands, all at once: their decision rows are
 * locked in one statement (a duplicate going the careful way waits, then finds it published),
 * the events published concurrently and confirmed, the published ones remembered in one UPDATE.
 * Returns the logins that failed.
 */
async function publishAssessed(
  ctx: AppContext,
  logins: { login: Login; decided: Decided }[],
): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  if (logins.length === 0) return failed;
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const open = new Set(
        await lockUnpublishedDecisions(
          trx,
          logins.map((l) => l.login.loginId),
        ),
      );
      const published: string[] = [];
      await Promise.all(
        logins
          .filter(({ login }) => open.has(login.loginId))
          .map(async ({ login, decided }) => {
            try {
              const data = assessedData(decided.decision, decided.actions);
              await ctx.broker.publish(followUp(login.event, LOGIN_ASSESSED, data, { source: SOURCE }));
              published.push(login.loginId);
            } catch (err) {
              failed.set(login.loginId, asError(err));
            }
          }),
      );
      await markAllAssessedPublished(trx, published);
    });
  } catch (err) {
    // Not remembered: the retries publish them again, with the same ids.
    for (const { login } of logins) failed.set(login.loginId, asError(err));
  }
  return failed;
}

/**
 * The careful way, for logins with broker commands: each account's logins one after the other in
 * login-time order (its notice before its kick, an earlier login's commands before a later one's),
 * a few accounts at a time. Returns the logins that failed.
 */
async function carryOutAll(ctx: AppContext, logins: Login[]): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  const byAccount = new Map<string, Login[]>();
  for (const l of [...logins].sort((a, b) => Date.parse(a.facts.at) - Date.parse(b.facts.at))) {
    const list = byAccount.get(l.facts.accountId) ?? [];
    list.push(l);
    byAccount.set(l.facts.accountId, list);
  }
  const queue = [...byAccount.values()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      for (const login of next) {
        try {
          await carryOut(ctx, login);
        } catch (err) {
          failed.set(login.loginId, asError(err));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(COMMAND_CONCURRENCY, queue.length) }, worker));
  return failed;
}

/**
 * One carrier per login at a time: the decision row stays locked while its commands and
 * login.assessed are published, so a concurrent duplicate waits and then finds nothing to do.
 */
async function carryOut(ctx: AppContext, { loginId, event }: Login): Promise<void> {
  let inGameSent = 0;
  await ctx.db.transaction().execute(async (trx) => {
    const locked = (await lockDecision(trx, loginId))!;
    const current = await listActions(trx, loginId);
    for (const row of inPublishOrder(current.filter(pendingCommand))) {
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

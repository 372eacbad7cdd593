import { BatchItem, LOGIN_RECORDED, isTransientDbError, runBatch } from '@account-security/shared';
import { isDelivery, isPendingCommand } from '../../domain/actions';
import type { AppContext } from '../context';
import { ToCarryOut, carryOut } from './carry-out.step';
import { decideLogins } from './decide.step';
import { DecidedLogin, DeliveredLogin, toDeliveredLogin } from './delivered-login';

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * A batch of login.recorded deliveries → decisions, carried out (README "Batches" and
 * "Exactly-once effects"): decided in one transaction (decide.step), then their broker commands
 * and login.assessed published in a second (carry-out.step); email and SMS stay pending for the
 * outbox worker, woken now. An item's result is undefined to ack it: lock, kick and
 * login.assessed are confirmed and the notifications durable, so a slow SMTP server never holds
 * the message or the kick. An Error sends it to the retry path without holding the others back.
 */
export function assessLogins(
  ctx: AppContext,
  items: BatchItem<typeof LOGIN_RECORDED>[],
): Promise<(Error | undefined)[]> {
  return runBatch(items, {
    prepare: (item) => {
      const login = toDeliveredLogin(item, ctx.config.HOME_COUNTRY);
      return { key: login.loginId, value: login };
    },
    commit: (logins) => ctx.db.transaction().execute((trx) => decideLogins(trx, ctx, logins)),
    afterCommit: async (entries) => {
      const pending: ToCarryOut[] = [];
      for (const { value: login, result: decided } of entries) {
        report(ctx, login, decided);
        // A redelivery of a login whose every effect is done already has nothing left to do.
        if (decided.created || !decided.decision.assessedPublished || decided.actions.some(isPendingCommand))
          pending.push({ login, decided });
      }
      const failed = await carryOut(ctx, pending);
      const newDeliveries = (d: DecidedLogin) =>
        d.created && d.actions.some((a) => a.status === 'pending' && isDelivery(a));
      if (entries.some((e) => newDeliveries(e.result))) ctx.wakeWorker();
      return failed;
    },
    // The error as it came (not wrapped as TransientError): every failed login takes the
    // consumer's one retry path whatever the cause, and the log keeps the original message.
    toError: asError,
    isTransient: isTransientDbError,
    logger: ctx.logger,
    what: 'decided',
  });
}

/** Logs and counts a decision once it is committed (a shadow decision's would-be actions too). */
function report(ctx: AppContext, login: DeliveredLogin, { decision, actions, created }: DecidedLogin): void {
  if (!created) {
    login.log.info('login already assessed: finishing what is left of it');
    return;
  }
  ctx.metrics.assessments.inc({ verdict: decision.verdict, policy: decision.policy });
  for (const a of actions) {
    if (a.type === 'notify' && a.status === 'skipped')
      ctx.metrics.notifications.inc({ channel: a.channel ?? 'unknown', outcome: 'skipped' });
    if (a.status === 'shadow') ctx.metrics.shadowActions.inc({ type: a.type, channel: a.channel ?? 'none' });
  }
  // Asking the parent first keeps a warn-level deployment from building a child logger per login.
  if (!ctx.logger.isLevelEnabled('info')) return;
  login.log.info(
    {
      verdict: decision.verdict,
      reasons: decision.reasons,
      policy: decision.policy,
      actions: actions.length,
      ...(decision.shadow ? { shadow: true } : {}),
    },
    'login assessed',
  );
}

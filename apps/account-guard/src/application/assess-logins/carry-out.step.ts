import { listActionsOf } from '../../data-access/action.repository';
import { lockDecisions, markAssessedPublished } from '../../data-access/decision.repository';
import { Action, isPendingCommand } from '../../domain/actions';
import { loginAssessed } from '../../domain/commands';
import type { AppContext } from '../context';
import { publishCommands, recordConfirmed } from '../publish-commands';
import type { DecidedLogin, DeliveredLogin } from './delivered-login';

export interface ToCarryOut {
  login: DeliveredLogin;
  decided: DecidedLogin;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

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
export async function carryOut(ctx: AppContext, pending: ToCarryOut[]): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  if (pending.length === 0) return failed;
  let done: Action[] = [];
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const published = await lockDecisions(
        trx,
        pending.map((t) => t.login.loginId),
      );
      // Only logins that had commands pending can have had them carried out by someone else
      // between the decision and the lock: those are read again.
      const current = await listActionsOf(
        trx,
        pending.filter((t) => t.decided.actions.some(isPendingCommand)).map((t) => t.login.loginId),
      );
      const confirmed: number[] = [];
      const assessed: string[] = [];
      const carryOutLogin = async ({ login, decided }: ToCarryOut) => {
        const r = await publishCommands(ctx.publisher, current.get(login.loginId) ?? decided.actions);
        confirmed.push(...r.confirmed);
        if (r.error) throw r.error;
        if (!(published.get(login.loginId) ?? decided.decision.assessedPublished)) {
          await ctx.publisher.publish(loginAssessed(login.event, decided.decision, r.actions));
          assessed.push(login.loginId);
        }
      };
      await Promise.all(
        byAccountInTimeOrder(pending).map(async (list) => {
          for (const t of list) {
            try {
              await carryOutLogin(t);
            } catch (err) {
              failed.set(t.login.loginId, asError(err));
            }
          }
        }),
      );
      const now = ctx.clock();
      done = await recordConfirmed(trx, confirmed, now);
      await markAssessedPublished(trx, assessed, now);
    });
  } catch (err) {
    for (const { login } of pending) failed.set(login.loginId, asError(err));
    return failed;
  }
  const inGame = done.filter((a) => a.type === 'notify').length;
  if (inGame) ctx.metrics.notifications.inc({ channel: 'in_game', outcome: 'sent' }, inGame);
  return failed;
}

function byAccountInTimeOrder(items: ToCarryOut[]): ToCarryOut[][] {
  const byAccount = new Map<string, ToCarryOut[]>();
  const ordered = [...items].sort((a, b) => Date.parse(a.login.facts.at) - Date.parse(b.login.facts.at));
  for (const item of ordered) {
    const list = byAccount.get(item.login.facts.accountId);
    if (list) list.push(item);
    else byAccount.set(item.login.facts.accountId, [item]);
  }
  return [...byAccount.values()];
}

import { completeCommands } from '../data-access/action.repository';
import { appendAudit } from '../data-access/audit.repository';
import type { Trx } from '../data-access/db';
import type { Publisher } from '../deps';
import { Action, CONFIRMED_STATUS, inPublishOrder, isPendingCommand } from '../domain/actions';
import { commandEntry } from '../domain/audit';

export interface Published {
  /** The login's actions, the ones confirmed now with their confirmed status. */
  actions: Action[];
  /** Ids of the commands the broker confirmed, for `recordConfirmed`. */
  confirmed: number[];
  /** Why publishing stopped before the end, if it did. */
  error?: Error;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Publishes one login's pending broker commands in publish order, each confirmed before the
 * next, stopping at the first the broker refuses. The caller holds the login's decision row
 * locked, so no one else publishes them meanwhile; if its transaction later rolls back they go
 * out again on the next try with the same ids (derived from the login id and channel), which
 * consumers drop as duplicates. The batch's carry-out step and the outbox worker both use this.
 */
export async function publishCommands(publisher: Publisher, actions: Action[]): Promise<Published> {
  const confirmed: number[] = [];
  let current = actions;
  for (const action of inPublishOrder(actions.filter(isPendingCommand))) {
    if (!action.command) continue;
    try {
      await publisher.publish(action.command);
    } catch (err) {
      return { actions: current, confirmed, error: asError(err) };
    }
    confirmed.push(action.id);
    current = current.map((a) => (a.id === action.id ? { ...a, status: CONFIRMED_STATUS[a.type] } : a));
  }
  return { actions: current, confirmed };
}

/**
 * Marks confirmed commands carried out and audits them, one statement each; a command finished
 * elsewhere meanwhile is neither marked nor audited again. Returns the actions it completed.
 */
export async function recordConfirmed(trx: Trx, ids: number[], now: Date): Promise<Action[]> {
  const done = await completeCommands(trx, ids, now);
  await appendAudit(
    trx,
    done.flatMap((a) => commandEntry(a) ?? []),
  );
  return done;
}

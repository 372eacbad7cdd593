import { AuditEntry, appendAudit } from '../data-access/audit-repository';
import { completeAction } from '../data-access/action-repository';
import type { ActionRow, Executor } from '../data-access/schema';
import type { AppContext } from './context';
import { CommandPayload, commandOf } from './payloads';

/** Commands go out in this order: the in-game notice before the kick that ends the session it is shown in. */
const ORDER: Record<string, number> = { notify: 0, kick: 1, lock: 2 };

export function inPublishOrder(rows: ActionRow[]): ActionRow[] {
  return [...rows].sort((a, b) => (ORDER[a.type] ?? 9) - (ORDER[b.type] ?? 9) || a.id - b.id);
}

/** What a command's row says once the broker confirmed it: a message is sent, anything else done. */
export function confirmedStatus(row: ActionRow): 'sent' | 'done' {
  return row.type === 'notify' ? 'sent' : 'done';
}

/** The audit entry of a command carried out (the lock's was written when it was decided). */
export function commandAudit(row: ActionRow): AuditEntry | undefined {
  const command = commandOf(row);
  if (!command) return undefined;
  if (row.type === 'kick') {
    const data = command.event.data as { reason?: string; sessionId?: string };
    return {
      accountId: row.account_id,
      action: 'session_kicked',
      actor: 'system',
      reason: data.reason ?? null,
      loginId: row.login_id,
      details: { sessionId: data.sessionId, commandId: command.event.id },
    };
  }
  if (row.type === 'notify') {
    return {
      accountId: row.account_id,
      action: 'notification_sent',
      actor: 'system',
      loginId: row.login_id,
      details: { channel: row.channel, commandId: command.event.id },
    };
  }
  return undefined;
}

/**
 * Publishes a pending broker command (player.message, session.kick, account.locked) and, once
 * the broker confirmed it, marks it carried out and audits it in `trx`. The caller holds the
 * login's decision row locked in `trx`, so no one else publishes the same command meanwhile. If
 * the transaction later rolls back the command goes out again on the next try, with the same
 * id (derived from the login id and channel), which consumers drop as a duplicate.
 * Returns whether this call completed it.
 */
export async function carryOutCommand(
  ctx: AppContext,
  trx: Executor,
  row: ActionRow,
  command: CommandPayload,
): Promise<boolean> {
  await ctx.broker.publish(command.event);
  const done = await completeAction(trx, row.id, confirmedStatus(row));
  if (!done) return false;
  const audit = commandAudit(done);
  if (audit) await appendAudit(trx, audit);
  return true;
}

import type { Actor } from '../domain/types';
import type { Insertable } from 'kysely';
import type { AuditLogTable, AuditRow, Executor } from './schema';

export type AuditAction =
  | 'policy_changed'
  | 'account_locked'
  | 'account_unlocked'
  | 'unlock_refused'
  | 'session_kicked'
  | 'login_blocked'
  | 'notification_sent'
  | 'notification_skipped'
  | 'notification_failed';

export interface AuditEntry {
  accountId: string;
  action: AuditAction;
  actor: Actor;
  reason?: string | null;
  loginId?: string | null;
  details?: Record<string, unknown>;
}

export const auditValues = (list: AuditEntry[]): Insertable<AuditLogTable>[] =>
  list.map((e) => ({
    account_id: e.accountId,
    action: e.action,
    actor: e.actor,
    reason: e.reason ?? null,
    login_id: e.loginId ?? null,
    details: JSON.stringify(e.details ?? {}),
  }));

/** Insert only: the table has no UPDATE/DELETE path here, and a trigger refuses them anyway. */
export async function appendAudit(db: Executor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await db.insertInto('audit_log').values(auditValues(list)).execute();
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAudit(
  db: Executor,
  accountId: string,
  limit: number,
  before?: number,
): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId);
  if (before !== undefined) q = q.where('id', '<', before);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

import type { NewAuditEntry } from '../domain/audit';
import type { Executor } from './db';
import type { NewAuditRow } from './tables/audit-log.table';

export const auditValues = (list: NewAuditEntry[]): NewAuditRow[] =>
  list.map((e) => ({
    account_id: e.accountId,
    action: e.action,
    actor: e.actor,
    reason: e.reason ?? null,
    login_id: e.loginId ?? null,
    details: JSON.stringify(e.details ?? {}),
  }));

/** Insert only: the table has no UPDATE/DELETE path here, and a trigger refuses them anyway. */
export async function appendAudit(db: Executor, entries: NewAuditEntry | NewAuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await db.insertInto('audit_log').values(auditValues(list)).execute();
}

export interface StoredAuditEntry {
  id: number;
  at: Date;
  accountId: string;
  action: string;
  actor: string;
  reason: string | null;
  loginId: string | null;
  details: Record<string, unknown>;
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAudit(
  db: Executor,
  accountId: string,
  limit: number,
  before?: number,
): Promise<StoredAuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId);
  if (before !== undefined) q = q.where('id', '<', before);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    accountId: r.account_id,
    action: r.action,
    actor: r.actor,
    reason: r.reason,
    loginId: r.login_id,
    details: r.details,
  }));
}

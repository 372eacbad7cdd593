import { listAudit } from '../data-access/audit-repository';
import type { AppContext } from './context';

export interface AuditItem {
  id: string;
  at: string;
  accountId: string;
  action: string;
  actor: string;
  reason: string | null;
  loginId: string | null;
  details: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditItem[];
  nextCursor: string | null;
}

/** Newest first; the cursor is the id of the last entry returned. */
export async function auditPage(
  ctx: AppContext,
  accountId: string,
  limit: number,
  cursor?: string,
): Promise<AuditPage> {
  const rows = await listAudit(
    ctx.db,
    accountId,
    limit + 1,
    cursor === undefined ? undefined : Number(cursor),
  );
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      accountId: r.account_id,
      action: r.action,
      actor: r.actor,
      reason: r.reason,
      loginId: r.login_id,
      details: r.details,
    })),
    nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
  };
}

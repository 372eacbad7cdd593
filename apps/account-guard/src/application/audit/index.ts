import type { AuditPage } from '@account-security/shared';
import { listAudit } from '../../data-access/audit.repository';
import type { AppContext } from '../context';

/** Newest first; the cursor is the id of the last entry returned. */
export async function auditPage(
  ctx: AppContext,
  accountId: string,
  limit: number,
  cursor?: string,
): Promise<AuditPage> {
  const entries = await listAudit(
    ctx.db,
    accountId,
    limit + 1,
    cursor === undefined ? undefined : Number(cursor),
  );
  const page = entries.slice(0, limit);
  return {
    items: page.map((e) => ({ ...e, id: String(e.id), at: e.at.toISOString() })),
    nextCursor: entries.length > limit ? String(page[page.length - 1]!.id) : null,
  };
}

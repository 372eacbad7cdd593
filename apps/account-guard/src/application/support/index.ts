import type { AlertPage, LockedAccountPage } from '@account-security/shared';
import { appendAudit } from '../../data-access/audit.repository';
import { ListPosition, listAlerts, listLockedAccounts } from '../../data-access/support.repository';
import { supportListReadEntry } from '../../domain/audit';
import type { Actor } from '../../domain/types';
import type { AppContext } from '../context';
import { encodeCursor } from './cursor';

/** How far back the alert list reaches when `since` is not given. */
export const ALERTS_DEFAULT_DAYS = 7;

/** One page and the next one's cursor: one row more than the page is read to tell whether it is the last. */
function paged<T extends { position: ListPosition }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.position) : null };
}

/** SPEC §9: locked accounts, newest lock first. The read is audited (who listed what). */
export async function lockedAccountsPage(
  ctx: AppContext,
  staff: Actor,
  q: { limit: number; after?: ListPosition },
): Promise<LockedAccountPage> {
  const { page, nextCursor } = paged(await listLockedAccounts(ctx.db, { ...q, limit: q.limit + 1 }), q.limit);
  await appendAudit(
    ctx.db,
    supportListReadEntry(staff, 'locked_accounts', {
      limit: q.limit,
      cursor: q.after ?? null,
      returned: page.length,
    }),
  );
  return {
    items: page.map((r) => ({
      accountId: r.accountId,
      lockedAt: r.lockedAt.toISOString(),
      reason: r.reason,
      lockedBy: r.lockedBy,
      loginEventId: r.loginId,
    })),
    nextCursor,
  };
}

/** SPEC §9: suspicious and unusual logins across accounts, newest decision first; audited. */
export async function alertsPage(
  ctx: AppContext,
  staff: Actor,
  q: { since?: Date; limit: number; after?: ListPosition },
): Promise<AlertPage> {
  const since = q.since ?? new Date(ctx.clock().getTime() - ALERTS_DEFAULT_DAYS * 86_400_000);
  const { page, nextCursor } = paged(
    await listAlerts(ctx.db, { since, limit: q.limit + 1, ...(q.after ? { after: q.after } : {}) }),
    q.limit,
  );
  await appendAudit(
    ctx.db,
    supportListReadEntry(staff, 'suspicious_logins', {
      since: since.toISOString(),
      limit: q.limit,
      cursor: q.after ?? null,
      returned: page.length,
    }),
  );
  return {
    items: page.map((r) => ({
      loginEventId: r.loginId,
      accountId: r.accountId,
      loggedInAt: r.loggedInAt.toISOString(),
      decidedAt: r.decidedAt.toISOString(),
      ip: r.ip,
      country: r.country,
      verdict: r.verdict,
      risk: r.risk,
      reasons: r.reasons,
      signals: r.signals,
      policy: r.policy,
      actions: r.actions.map((a) => ({
        type: a.type,
        ...(a.channel !== null ? { channel: a.channel } : {}),
        status: a.status,
      })),
      answer: r.answer,
      answeredAt: r.answeredAt?.toISOString() ?? null,
    })),
    nextCursor,
  };
}

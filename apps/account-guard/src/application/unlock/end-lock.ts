import { appendAudit } from '../../data-access/audit.repository';
import type { Trx } from '../../data-access/db';
import { deleteLock } from '../../data-access/lock.repository';
import { insertOutboxEvent } from '../../data-access/outbox.repository';
import { accountUnlockedEntry } from '../../domain/audit';
import { accountUnlocked } from '../../domain/commands';
import type { AccountLock, Actor } from '../../domain/types';

export interface Unlocked {
  accountId: string;
  unlockedAt: string;
  by: Actor;
}

/**
 * Ends a lock inside the caller's transaction (which holds the account's lock): the lock row
 * goes, the audit trail and the outbox get their entries.
 */
export async function endLock(
  trx: Trx,
  lock: AccountLock,
  u: { by: Actor; reason: string; at: Date; details: Record<string, unknown> },
): Promise<Unlocked> {
  await deleteLock(trx, lock.accountId, lock.lockId);
  const at = u.at.toISOString();
  await appendAudit(trx, accountUnlockedEntry(lock, u.by, u.reason, u.details));
  await insertOutboxEvent(trx, accountUnlocked(lock, u.by, u.reason, at));
  return { accountId: lock.accountId, unlockedAt: at, by: u.by };
}

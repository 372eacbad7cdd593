import { findLock } from '../data-access/lock-repository';
import type { AppContext } from './context';

export interface AccountStatus {
  accountId: string;
  locked: boolean;
  lockedAt: string | null;
  reason: string | null;
}

export async function getStatus(ctx: AppContext, accountId: string): Promise<AccountStatus> {
  const lock = await findLock(ctx.db, accountId);
  return {
    accountId,
    locked: !!lock,
    lockedAt: lock ? lock.locked_at.toISOString() : null,
    reason: lock?.reason ?? null,
  };
}

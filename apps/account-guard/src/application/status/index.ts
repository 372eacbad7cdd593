import type { LockStatus } from '@account-security/shared';
import { findLock } from '../../data-access/lock.repository';
import type { AppContext } from '../context';

export async function getStatus(ctx: AppContext, accountId: string): Promise<LockStatus> {
  const lock = await findLock(ctx.db, accountId);
  return {
    accountId,
    locked: !!lock,
    lockedAt: lock ? lock.lockedAt.toISOString() : null,
    reason: lock?.reason ?? null,
  };
}

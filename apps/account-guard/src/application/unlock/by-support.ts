import { findLock, lockAccount } from '../../data-access/lock.repository';
import { accountNotLocked } from '../../domain/errors';
import type { Actor } from '../../domain/types';
import type { AppContext } from '../context';
import { Unlocked, endLock } from './end-lock';

export async function unlockBySupport(
  ctx: AppContext,
  accountId: string,
  staff: Actor,
  reason: string,
): Promise<Unlocked> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId);
    const lock = await findLock(trx, accountId);
    if (!lock) throw accountNotLocked();
    return endLock(trx, lock, { by: staff, reason, at: ctx.clock(), details: {} });
  });
  ctx.metrics.unlocks.inc({ by: 'support' });
  ctx.wakeWorker();
  return result;
}

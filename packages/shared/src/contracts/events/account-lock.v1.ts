import { z } from 'zod';
import { accountId, isoTime, text } from '../common';
import { cloudEvent } from '../envelope';

export const ACCOUNT_LOCKED = 'account.locked';
export const ACCOUNT_UNLOCKED = 'account.unlocked';

/** Who did it: `system`, `player`, or `support:<staffId>`. */
export const actor = z
  .string()
  .max(140)
  .regex(/^(system|player|support:[\x21-\x7e]{1,128})$/, {
    message: 'must be system, player or support:<staffId>',
  });

export const accountLockData = z.object({ accountId, reason: text(1, 500), by: actor, at: isoTime });

export const accountLockedEvent = cloudEvent(ACCOUNT_LOCKED, accountLockData);
export const accountUnlockedEvent = cloudEvent(ACCOUNT_UNLOCKED, accountLockData);
export type AccountLockData = z.infer<typeof accountLockData>;

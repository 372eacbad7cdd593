import { z } from 'zod';
import { accountId, text } from '../common';
import { cloudEvent } from '../envelope';

/** SPEC §8, on `game.commands`: end every session of the account (game servers obey it). */
export const ACCOUNT_SESSIONS_REVOKE = 'account.sessions-revoke';
/** SPEC §8, on `game.commands`: the login server requires a new password at the next login. */
export const ACCOUNT_PASSWORD_RESET = 'account.password-reset';

/** Why the command was sent; `login_reported` = the player answered "not me" (SPEC §8). */
export const ACCOUNT_COMMAND_REASONS = ['login_reported'] as const;
export const accountCommandReason = z.enum(ACCOUNT_COMMAND_REASONS);

export const accountSessionsRevokeData = z.object({
  accountId,
  reason: accountCommandReason,
  /** Text to show the player in each ended session. */
  message: text(1, 2000),
});

export const accountPasswordResetData = z.object({ accountId, reason: accountCommandReason });

export const accountSessionsRevokeCommand = cloudEvent(ACCOUNT_SESSIONS_REVOKE, accountSessionsRevokeData);
export const accountPasswordResetCommand = cloudEvent(ACCOUNT_PASSWORD_RESET, accountPasswordResetData);
export type AccountSessionsRevokeData = z.infer<typeof accountSessionsRevokeData>;
export type AccountPasswordResetData = z.infer<typeof accountPasswordResetData>;

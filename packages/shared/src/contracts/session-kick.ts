import { z } from 'zod';
import { accountId, sessionId, text } from './common';
import { cloudEvent } from './envelope';

export const SESSION_KICK = 'session.kick';

export const kickReason = z.enum(['foreign_login', 'region_blocked', 'account_locked']);

export const sessionKickData = z.object({ accountId, sessionId, reason: kickReason, message: text(1, 2000) });

export const sessionKickCommand = cloudEvent(SESSION_KICK, sessionKickData);
export type KickReason = z.infer<typeof kickReason>;
export type SessionKickData = z.infer<typeof sessionKickData>;

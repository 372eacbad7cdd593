import { z } from 'zod';
import { accountId, sessionId, text } from '../common';
import { cloudEvent } from '../envelope';
import { kickReason } from '../vocabulary';

export const SESSION_KICK = 'session.kick';

export const sessionKickData = z.object({ accountId, sessionId, reason: kickReason, message: text(1, 2000) });

export const sessionKickCommand = cloudEvent(SESSION_KICK, sessionKickData);
export type SessionKickData = z.infer<typeof sessionKickData>;

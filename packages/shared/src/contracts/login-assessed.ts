import { z } from 'zod';
import { accountId, identifier, sessionId, text } from './common';
import { cloudEvent } from './envelope';

export const LOGIN_ASSESSED = 'login.assessed';

export const policyName = z.enum(['none', 'notify', 'kick', 'block', 'lock']);
export const channelName = z.enum(['email', 'sms', 'in_game']);
export const actionType = z.enum(['notify', 'kick', 'block', 'lock']);

export const assessedAction = z.object({
  type: actionType,
  channel: channelName.optional(),
  status: text(1, 64),
});

export const loginAssessedData = z.object({
  accountId,
  sessionId,
  loginEventId: identifier(128),
  verdict: z.enum(['trusted', 'suspicious']),
  reasons: z.array(text(1, 64)),
  policy: policyName,
  actions: z.array(assessedAction),
});

export const loginAssessedEvent = cloudEvent(LOGIN_ASSESSED, loginAssessedData);
export type PolicyName = z.infer<typeof policyName>;
export type ChannelName = z.infer<typeof channelName>;
export type AssessedAction = z.infer<typeof assessedAction>;
export type LoginAssessedData = z.infer<typeof loginAssessedData>;
export type LoginAssessedEvent = z.infer<typeof loginAssessedEvent>;

import { z } from 'zod';
import { accountId, identifier, sessionId, text } from '../common';
import { cloudEvent } from '../envelope';
import { actionType, channelName, policyName, verdict } from '../vocabulary';

export const LOGIN_ASSESSED = 'login.assessed';

export const assessedAction = z.object({
  type: actionType,
  channel: channelName.optional(),
  status: text(1, 64),
});

export const loginAssessedData = z.object({
  accountId,
  sessionId,
  loginEventId: identifier(128),
  verdict,
  reasons: z.array(text(1, 64)),
  policy: policyName,
  actions: z.array(assessedAction),
});

export const loginAssessedEvent = cloudEvent(LOGIN_ASSESSED, loginAssessedData);
export type AssessedAction = z.infer<typeof assessedAction>;
export type LoginAssessedData = z.infer<typeof loginAssessedData>;
export type LoginAssessedEvent = z.infer<typeof loginAssessedEvent>;

import { z } from 'zod';
import { accountId, identifier, sessionId, text } from '../common';
import { cloudEvent } from '../envelope';
import { actionType, channelName, policyName, signalCode, signalLevel, verdict } from '../vocabulary';

export const LOGIN_ASSESSED = 'login.assessed';

export const assessedAction = z.object({
  type: actionType,
  channel: channelName.optional(),
  status: text(1, 64),
});

/** One signal that fired (SPEC §7), with its evidence. */
export const assessedSignal = z.object({
  code: signalCode,
  level: signalLevel,
  detail: z.record(z.string(), z.unknown()),
});

export const loginAssessedData = z.object({
  accountId,
  sessionId,
  loginEventId: identifier(128),
  verdict,
  reasons: z.array(text(1, 64)),
  policy: policyName,
  actions: z.array(assessedAction),
  /** SPEC §7: 0–100, higher = less like the account's own past. */
  risk: z.number().int().min(0).max(100),
  signals: z.array(assessedSignal),
  /** SPEC §10: the actions were only recorded, not carried out. */
  shadow: z.boolean().optional(),
});

export const loginAssessedEvent = cloudEvent(LOGIN_ASSESSED, loginAssessedData);
export type AssessedAction = z.infer<typeof assessedAction>;
export type AssessedSignal = z.infer<typeof assessedSignal>;
export type LoginAssessedData = z.infer<typeof loginAssessedData>;
export type LoginAssessedEvent = z.infer<typeof loginAssessedEvent>;

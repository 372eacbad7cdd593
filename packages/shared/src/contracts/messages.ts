import type { z } from 'zod';
import { cloudEvent } from './envelope';
import {
  ACCOUNT_PASSWORD_RESET,
  ACCOUNT_SESSIONS_REVOKE,
  accountPasswordResetData,
  accountSessionsRevokeData,
} from './events/account-commands.v1';
import { ACCOUNT_LOCKED, ACCOUNT_UNLOCKED, accountLockData } from './events/account-lock.v1';
import { LOGIN_ASSESSED, loginAssessedData } from './events/login-assessed.v1';
import { LOGIN_FAILED, loginFailedData } from './events/login-failed.v1';
import { LOGIN_FAILED_GEO_RESOLVED, loginFailedGeoResolvedData } from './events/login-failed-geo-resolved.v1';
import { LOGIN_GEO_RESOLVED, loginGeoResolvedData } from './events/login-geo-resolved.v1';
import { LOGIN_RECORDED, loginRecordedData } from './events/login-recorded.v1';
import { LOGIN_REPORTED, loginReportedData } from './events/login-reported.v1';
import { LOGIN_SUCCEEDED, loginSucceededData } from './events/login-succeeded.v1';
import { PLAYER_MESSAGE, playerMessageData } from './events/player-message.v1';
import { SESSION_KICK, sessionKickData } from './events/session-kick.v1';

export const EVENTS_EXCHANGE = 'account-security.events';
export const COMMANDS_EXCHANGE = 'game.commands';

/** `data` schema of every event and command, by type (= routing key). */
export const dataSchemas = {
  [LOGIN_SUCCEEDED]: loginSucceededData,
  [LOGIN_FAILED]: loginFailedData,
  [LOGIN_GEO_RESOLVED]: loginGeoResolvedData,
  [LOGIN_FAILED_GEO_RESOLVED]: loginFailedGeoResolvedData,
  [LOGIN_RECORDED]: loginRecordedData,
  [LOGIN_ASSESSED]: loginAssessedData,
  [LOGIN_REPORTED]: loginReportedData,
  [ACCOUNT_LOCKED]: accountLockData,
  [ACCOUNT_UNLOCKED]: accountLockData,
  [SESSION_KICK]: sessionKickData,
  [PLAYER_MESSAGE]: playerMessageData,
  [ACCOUNT_SESSIONS_REVOKE]: accountSessionsRevokeData,
  [ACCOUNT_PASSWORD_RESET]: accountPasswordResetData,
} as const;

export type MessageType = keyof typeof dataSchemas;
type DataMap = { [K in MessageType]: z.infer<(typeof dataSchemas)[K]> };
export type DataOf<T extends MessageType> = DataMap[T];

/** The envelope's known attributes (extensions beyond these travel along untyped). */
export interface EventEnvelope {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype?: 'application/json';
  correlationid?: string;
}
export type EventOf<T extends MessageType> = Omit<EventEnvelope, 'type'> & { type: T; data: DataOf<T> };

/** Full message schema (envelope + data) of each type. */
export const messageSchemas = Object.fromEntries(
  Object.entries(dataSchemas).map(([type, data]) => [type, cloudEvent(type, data)]),
) as unknown as Record<MessageType, z.ZodType>;

/** Which exchange a message type travels on. */
export function exchangeFor(type: MessageType): string {
  return COMMAND_TYPES.has(type) ? COMMANDS_EXCHANGE : EVENTS_EXCHANGE;
}

/** The commands (SPEC §3, §8): everything else is an event. */
export const COMMAND_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  SESSION_KICK,
  PLAYER_MESSAGE,
  ACCOUNT_SESSIONS_REVOKE,
  ACCOUNT_PASSWORD_RESET,
]);

/** The broker users of the suite: one per service and per outside party (definitions.json). */
export const BROKER_USERS = [
  'ip-checker',
  'login-history',
  'account-guard',
  'login-server',
  'game-server',
] as const;
export type BrokerUser = (typeof BROKER_USERS)[number];

/**
 * The only broker user that may publish each type (SPEC §3, §7): with TRUSTED_PUBLISHERS on, a
 * consumer accepts a message only when its AMQP `user_id` is this one.
 */
export const PRODUCERS: Readonly<Record<MessageType, BrokerUser>> = {
  [LOGIN_SUCCEEDED]: 'login-server',
  [LOGIN_FAILED]: 'login-server',
  [LOGIN_GEO_RESOLVED]: 'ip-checker',
  [LOGIN_FAILED_GEO_RESOLVED]: 'ip-checker',
  [LOGIN_RECORDED]: 'login-history',
  [LOGIN_ASSESSED]: 'account-guard',
  [LOGIN_REPORTED]: 'account-guard',
  [ACCOUNT_LOCKED]: 'account-guard',
  [ACCOUNT_UNLOCKED]: 'account-guard',
  [SESSION_KICK]: 'account-guard',
  [PLAYER_MESSAGE]: 'account-guard',
  [ACCOUNT_SESSIONS_REVOKE]: 'account-guard',
  [ACCOUNT_PASSWORD_RESET]: 'account-guard',
};

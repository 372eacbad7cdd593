/**
 * `@account-security/shared/contracts`: the suite's external contract, browser-safe (zod and
 * uuid only, no node:*). Services and the web client import it from here.
 */
export * from './vocabulary';
export * from './common';
export * from './envelope';
export * from './messages';
export * from './identity';
export * from './events/account-commands.v1';
export * from './events/account-lock.v1';
export * from './events/login-assessed.v1';
export * from './events/login-failed.v1';
export * from './events/login-failed-geo-resolved.v1';
export * from './events/login-geo-resolved.v1';
export * from './events/login-recorded.v1';
export * from './events/login-reported.v1';
export * from './events/login-succeeded.v1';
export * from './events/player-message.v1';
export * from './events/session-kick.v1';
export * from './http';

import type { FiredSignal, LoginFacts, ProtectionSettings } from '../types';
import type { SignalThresholds } from './thresholds';

/**
 * One of SPEC §7's signals: pure, from the login as login.recorded tells it, the account's
 * settings and the thresholds, to the signal with its evidence, or null when it does not fire.
 */
export type SignalFn = (
  login: LoginFacts,
  settings: ProtectionSettings,
  t: SignalThresholds,
) => FiredSignal | null;

/** Whether the account has enough earlier logins for "never seen before" to mean something. */
export const hasHistory = (login: LoginFacts, t: SignalThresholds): boolean =>
  login.history?.logins !== undefined && login.history.logins >= t.minHistory;

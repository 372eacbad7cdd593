import type { SignalFn } from './signal';
import {
  countryUnknownSignal,
  foreignCountrySignal,
  travelPassSignal,
  trustedCountrySignal,
} from './country';
import { bruteForceSignal, credentialStuffingSignal } from './failures';
import { impossibleTravelSignal } from './impossible-travel';
import { hostingNetworkSignal, newDeviceSignal, newNetworkSignal } from './network';

export * from './country';
export * from './failures';
export * from './impossible-travel';
export * from './network';
export * from './risk';
export * from './signal';
export * from './thresholds';

/**
 * SPEC §7's signals in the order their codes appear in `reasons`. `reported_ip` and
 * `confirmed_by_player` need the player's answers (§8, issue #17) and join here with them.
 */
export const DEFAULT_SIGNALS: readonly SignalFn[] = [
  foreignCountrySignal,
  impossibleTravelSignal,
  credentialStuffingSignal,
  bruteForceSignal,
  hostingNetworkSignal,
  newDeviceSignal,
  newNetworkSignal,
  trustedCountrySignal,
  travelPassSignal,
  countryUnknownSignal,
];

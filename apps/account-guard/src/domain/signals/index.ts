import { confirmedByPlayerSignal, reportedIpSignal } from './answers';
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

export * from './answers';
export * from './country';
export * from './failures';
export * from './impossible-travel';
export * from './network';
export * from './risk';
export * from './signal';
export * from './thresholds';

/** SPEC §7's signals in the order their codes appear in `reasons` (within each level). */
export const DEFAULT_SIGNALS: readonly SignalFn[] = [
  foreignCountrySignal,
  impossibleTravelSignal,
  credentialStuffingSignal,
  bruteForceSignal,
  reportedIpSignal,
  hostingNetworkSignal,
  newDeviceSignal,
  newNetworkSignal,
  trustedCountrySignal,
  travelPassSignal,
  countryUnknownSignal,
  confirmedByPlayerSignal,
];

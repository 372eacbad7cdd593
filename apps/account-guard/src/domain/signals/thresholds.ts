/** The configurable limits of SPEC §7's signals and score (config.ts names them; README documents them). */
export interface SignalThresholds {
  /** Earlier logins an account needs before what is new on it counts (`new_device`, `new_network`, `impossible_travel`, the score). */
  minHistory: number;
  impossibleTravelMinKm: number;
  impossibleTravelMinKmh: number;
  credentialStuffingMinAccounts: number;
  bruteForceMinFailures: number;
  /** The risk at or above which a login with enough history is `unusual`; 101 turns that off. */
  riskUnusualThreshold: number;
  /** How long a "not me" report counts against its IP (`reported_ip`), in days. */
  reportedIpDays: number;
}

export const DEFAULT_THRESHOLDS: SignalThresholds = {
  minHistory: 3,
  impossibleTravelMinKm: 500,
  impossibleTravelMinKmh: 1000,
  credentialStuffingMinAccounts: 20,
  bruteForceMinFailures: 10,
  riskUnusualThreshold: 50,
  reportedIpDays: 30,
};

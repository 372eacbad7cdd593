import type { FeatureCount, HistoryFeatures } from '@account-security/shared/contracts';
import type { LoginHistory } from '../types';

/**
 * β of the account/population interpolation: with n earlier logins the account's own
 * frequencies weigh λ = n / (n + β). β = 2 lets an account's past outweigh the population's from
 * its third login on.
 */
export const RISK_BETA = 2;

/**
 * K of the 0–100 mapping: risk = 100·S/(S+K), so risk 50 is S = K, a login ln⁻¹(K) = 20 times
 * likelier under the population than under the account's own past.
 */
export const RISK_K = Math.log(20);

const FEATURES = ['device', 'asn', 'country', 'prefix'] as const;

/**
 * Freeman et al., "Who Are You? A Statistical Approach to Measuring User Authenticity"
 * (NDSS 2016): for each feature k of the login, log(p(x_k) / p(x_k | account)), the population's
 * frequency over the account's, the latter smoothed toward the former. Summed over the features
 * present (S), mapped to 0–100. No history (or no population size): 0. See the README's worked
 * example.
 */
export function riskScore(history: LoginHistory | undefined): number {
  const s = riskLogRatio(history);
  const pos = Math.max(0, s);
  return Math.round((100 * pos) / (pos + RISK_K));
}

export function riskLogRatio(history: LoginHistory | undefined): number {
  if (!history || history.logins === undefined || history.globalLogins === undefined || !history.features)
    return 0;
  const n = history.logins;
  const g = history.globalLogins;
  const lambda = n / (n + RISK_BETA);
  let s = 0;
  for (const k of FEATURES) {
    const f: FeatureCount | undefined = (history.features as HistoryFeatures)[k];
    if (!f) continue;
    const pGlobal = (Math.min(f.global, g) + 1) / (g + 2);
    const own = n > 0 ? Math.min(f.account, n) / n : 0;
    const pAccount = lambda * own + (1 - lambda) * pGlobal;
    s += Math.log(pGlobal / pAccount);
  }
  return s;
}

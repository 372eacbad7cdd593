/**
 * Delay before delivery attempt `attempt + 1`: doubling from `baseMs`, capped at `maxMs`, with
 * ±20% jitter so replicas retrying through the same outage do not hit the provider in lockstep.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.min(maxMs, Math.max(1, Math.round(exponential * (0.8 + 0.4 * random()))));
}

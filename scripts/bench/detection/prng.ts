/** A small seeded PRNG (mulberry32) and the draws the corpus generator needs: same seed, same corpus. */
export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  weighted<T>(xs: readonly (readonly [T, number])[]): T;
  /** Exponential waiting time with the given mean. */
  exp(mean: number): number;
  /** Log-normal with the given median and spread (sigma of the log). */
  logNormal(median: number, sigma: number): number;
  id(prefix: string): string;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    weighted: (xs) => {
      const total = xs.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [x, w] of xs) if ((r -= w) < 0) return x;
      return xs[xs.length - 1]![0];
    },
    exp: (mean) => -mean * Math.log(Math.max(next(), 1e-12)),
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
    id: (prefix) =>
      prefix +
      Array.from({ length: 4 }, () =>
        Math.floor(next() * 0x10000)
          .toString(16)
          .padStart(4, '0'),
      ).join(''),
  };
  return rng;
}

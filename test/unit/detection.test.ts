/**
 * The pure parts of `pnpm bench:detection`: the AUC by the Mann–Whitney rank formula, and the
 * corpus generator (same seed, same corpus; every scenario present; attacks shaped as the
 * scenarios say; history before each account's labelled login).
 */
import { ATTACKS, HARMLESS, OWN_REASON, generateCorpus } from '../../scripts/bench/detection/corpus';
import { ALL_NETWORKS, addressIn } from '../../scripts/bench/detection/networks';
import { createRng } from '../../scripts/bench/detection/prng';
import { Assessment, misses, rocAuc, summarize } from '../../scripts/bench/detection/report';

const NOW = Date.UTC(2026, 11, 3, 10);

describe('rocAuc', () => {
  test('perfect separation is 1, reversed is 0', () => {
    expect(rocAuc([5, 6, 7], [1, 2, 3])).toBe(1);
    expect(rocAuc([1, 2], [5, 6])).toBe(0);
  });
  test('ties count one half', () => {
    expect(rocAuc([3], [3])).toBe(0.5);
    expect(rocAuc([3, 3], [3, 3, 3])).toBe(0.5);
    // Pairs (p, n): (2,1) win, (2,2) tie, (4,1) win, (4,2) win → 3.5 / 4.
    expect(rocAuc([2, 4], [1, 2])).toBeCloseTo(0.875, 10);
  });
  test('matches counting every pair', () => {
    const rng = createRng(7);
    const pos = Array.from({ length: 200 }, () => rng.int(0, 30));
    const neg = Array.from({ length: 300 }, () => rng.int(0, 20));
    let wins = 0;
    for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
    expect(rocAuc(pos, neg)).toBeCloseTo(wins / (pos.length * neg.length), 10);
  });
  test('no positives or negatives: NaN', () => {
    expect(rocAuc([], [1])).toBeNaN();
  });
});

describe('generateCorpus', () => {
  const corpus = generateCorpus({ seed: 42, accounts: 1000, now: NOW });

  test('the same seed gives the same corpus, another seed another', () => {
    expect(generateCorpus({ seed: 42, accounts: 1000, now: NOW })).toEqual(corpus);
    expect(generateCorpus({ seed: 43, accounts: 1000, now: NOW }).tests).not.toEqual(corpus.tests);
  });

  test('one labelled login per account, every scenario present, a quarter or more attacks', () => {
    expect(corpus.tests).toHaveLength(1000);
    expect(new Set(corpus.tests.map((t) => t.accountId)).size).toBe(1000);
    const count = (s: string) => corpus.tests.filter((t) => t.scenario === s).length;
    for (const s of [...HARMLESS, ...ATTACKS]) expect(count(s)).toBeGreaterThanOrEqual(15);
    const attacks = ATTACKS.reduce((n, s) => n + count(s), 0);
    expect(attacks / 1000).toBeGreaterThan(0.25);
    expect(attacks / 1000).toBeLessThan(0.6);
  });

  test('weeks of history before each labelled login, with ids unique', () => {
    const last = new Map<string, number>();
    const first = new Map<string, number>();
    for (const e of corpus.history) {
      last.set(e.accountId, Math.max(last.get(e.accountId) ?? 0, e.time));
      first.set(e.accountId, Math.min(first.get(e.accountId) ?? Infinity, e.time));
    }
    for (const t of corpus.tests) {
      expect(last.get(t.accountId)!).toBeLessThan(t.time);
      expect(t.time - first.get(t.accountId)!).toBeGreaterThan(7 * 86_400_000);
      expect(t.time).toBeLessThan(NOW);
    }
    const ids = [...corpus.history, ...corpus.prelude, ...corpus.tests].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('stuffing: one address failing on dozens of accounts before its success; brute force: many failures on the account', () => {
    for (const t of corpus.tests.filter((x) => x.scenario === 'credential_stuffing')) {
      const fails = corpus.prelude.filter(
        (f) => f.ip === t.ip && f.time < t.time && t.time - f.time <= 3_600_000,
      );
      expect(new Set(fails.map((f) => f.accountId)).size).toBeGreaterThanOrEqual(24);
    }
    for (const t of corpus.tests.filter((x) => x.scenario === 'brute_force')) {
      const fails = corpus.prelude.filter((f) => f.accountId === t.accountId && f.time < t.time);
      expect(fails.length).toBeGreaterThanOrEqual(12);
    }
  });

  test('impossible travel: a home login minutes before, from a country the account trusts', () => {
    for (const t of corpus.tests.filter((x) => x.scenario === 'impossible_travel')) {
      const prev = corpus.history
        .filter((e) => e.accountId === t.accountId && e.type === 'login.succeeded')
        .at(-1)!;
      expect(t.time - prev.time).toBeLessThanOrEqual(40 * 60_000);
      expect(corpus.accounts.find((a) => a.id === t.accountId)!.trustedCountries.length).toBeGreaterThan(0);
    }
  });

  test('travellers flew: their last login at home is hours before the first abroad', () => {
    for (const t of corpus.tests.filter((x) => x.scenario!.startsWith('travel_'))) {
      const prev = corpus.history.filter((e) => e.accountId === t.accountId).at(-1)!;
      expect(t.time - prev.time).toBeGreaterThanOrEqual(5 * 3_600_000);
    }
  });

  test('travellers with a pass have one covering the login', () => {
    for (const t of corpus.tests.filter((x) => x.scenario === 'travel_with_pass')) {
      const passes = corpus.accounts.find((a) => a.id === t.accountId)!.travelPasses;
      expect(passes.some((p) => Date.parse(p.from) <= t.time && t.time <= Date.parse(p.until))).toBe(true);
    }
  });
});

test('addresses fall inside their network ranges', () => {
  const rng = createRng(3);
  const num = (ip: string) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  for (const n of ALL_NETWORKS) {
    const ip = addressIn(n, rng);
    expect(n.ranges.some(([lo, hi]) => num(lo) <= num(ip) && num(ip) <= num(hi))).toBe(true);
  }
});

test('summarize: caught needs the own reason and a suspicious verdict', () => {
  const corpus = generateCorpus({ seed: 5, accounts: 300, now: NOW });
  const results = new Map<string, Assessment>();
  for (const t of corpus.tests) {
    const attack = (ATTACKS as readonly string[]).includes(t.scenario!);
    results.set(t.id, {
      verdict: attack ? 'suspicious' : 'trusted',
      risk: attack ? 90 : 10,
      reasons: [],
      // Brute force "caught" for the wrong reason: must not count.
      signals:
        attack && t.scenario !== 'brute_force' ? [{ code: ownReason(t.scenario!), level: 'suspicious' }] : [],
    });
  }
  const s = summarize(corpus.tests, [], results);
  expect(s.auc).toBe(1);
  expect(s.rows.find((r) => r.scenario === 'brute_force')!.caught).toBe(0);
  expect(s.rows.find((r) => r.scenario === 'foreign_hosting')!.caught).toBe(
    s.rows.find((r) => r.scenario === 'foreign_hosting')!.assessed,
  );
  expect(s.harmless.suspicious).toBe(0);
});

const ownReason = (s: string) => OWN_REASON[s as keyof typeof OWN_REASON];

test('misses: attacks without their own reason and harmless suspicious logins, grouped', () => {
  const corpus = generateCorpus({ seed: 9, accounts: 200, now: NOW });
  const results = new Map<string, Assessment>();
  for (const t of corpus.tests)
    results.set(t.id, {
      verdict: 'unusual',
      risk: 60,
      reasons: [],
      signals: [{ code: 'new_network', level: 'unusual' }],
    });
  const lines = misses(corpus.tests, results);
  expect(lines.some((l) => l.startsWith('- `brute_force` (not caught'))).toBe(true);
  expect(lines.every((l) => !l.includes('`home_known`'))).toBe(true);
  expect(lines[0]).toContain('unusual, risk ≥ 50, signals: new_network');
});

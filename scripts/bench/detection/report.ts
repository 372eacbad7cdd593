/** The benchmark's arithmetic and its table: pure, so unit tests can check it. */
import { ATTACKS, CorpusEvent, HARMLESS, OWN_REASON, Scenario, isAttack } from './corpus';

export interface Assessment {
  verdict: string;
  risk: number;
  reasons: string[];
  signals: { code: string; level: string; detail?: Record<string, unknown> }[];
}

/**
 * ROC AUC by the Mann–Whitney rank formula: the chance that a random positive scores above a
 * random negative, ties counting one half. NaN when either side is empty.
 */
export function rocAuc(positives: number[], negatives: number[]): number {
  if (positives.length === 0 || negatives.length === 0) return NaN;
  const all = [...positives.map((v) => ({ v, p: true })), ...negatives.map((v) => ({ v, p: false }))].sort(
    (a, b) => a.v - b.v,
  );
  let rankSumPos = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.v === all[i]!.v) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++) if (all[k]!.p) rankSumPos += midRank;
    i = j;
  }
  const n1 = positives.length;
  return (rankSumPos - (n1 * (n1 + 1)) / 2) / (n1 * negatives.length);
}

export interface ScenarioRow {
  scenario: Scenario | 'history';
  attack: boolean;
  count: number;
  assessed: number;
  suspicious: number;
  unusual: number;
  trusted: number;
  /** Attacks: own reason present and verdict suspicious. */
  caught?: number;
  reason?: string;
  meanRisk: number;
  /** Signal codes that fired, with counts (the most frequent first). */
  signals: [string, number][];
}

export interface Summary {
  rows: ScenarioRow[];
  auc: number;
  attacks: { count: number; caught: number };
  harmless: { count: number; suspicious: number; suspiciousExceptNoPass: number; countExceptNoPass: number };
  history: ScenarioRow;
  missing: number;
}

function row(
  scenario: ScenarioRow['scenario'],
  logins: CorpusEvent[],
  results: Map<string, Assessment>,
): ScenarioRow {
  const r: ScenarioRow = {
    scenario,
    attack: scenario !== 'history' && isAttack(scenario),
    count: logins.length,
    assessed: 0,
    suspicious: 0,
    unusual: 0,
    trusted: 0,
    meanRisk: NaN,
    signals: [],
  };
  const reason = scenario !== 'history' && isAttack(scenario) ? OWN_REASON[scenario] : undefined;
  if (reason) {
    r.caught = 0;
    r.reason = reason;
  }
  let risk = 0;
  const signals = new Map<string, number>();
  for (const l of logins) {
    const a = results.get(l.id);
    if (!a) continue;
    r.assessed++;
    if (a.verdict === 'suspicious') r.suspicious++;
    else if (a.verdict === 'unusual') r.unusual++;
    else r.trusted++;
    risk += a.risk ?? 0;
    for (const s of a.signals ?? []) signals.set(s.code, (signals.get(s.code) ?? 0) + 1);
    if (reason && a.verdict === 'suspicious' && (a.signals ?? []).some((s) => s.code === reason)) r.caught!++;
  }
  r.meanRisk = r.assessed ? risk / r.assessed : NaN;
  r.signals = [...signals].sort((x, y) => y[1] - x[1]);
  return r;
}

export function summarize(
  tests: CorpusEvent[],
  historySuccesses: CorpusEvent[],
  results: Map<string, Assessment>,
): Summary {
  const rows = [...HARMLESS, ...ATTACKS].map((s) =>
    row(
      s,
      tests.filter((t) => t.scenario === s),
      results,
    ),
  );
  const pos: number[] = [];
  const neg: number[] = [];
  for (const t of tests) {
    const a = results.get(t.id);
    if (!a) continue;
    (isAttack(t.scenario!) ? pos : neg).push(a.risk ?? 0);
  }
  const harmlessRows = rows.filter((r) => !r.attack);
  const noPass = rows.find((r) => r.scenario === 'travel_without_pass')!;
  const sum = (rs: ScenarioRow[], f: (r: ScenarioRow) => number) => rs.reduce((s, r) => s + f(r), 0);
  return {
    rows,
    auc: rocAuc(pos, neg),
    attacks: {
      count: sum(
        rows.filter((r) => r.attack),
        (r) => r.assessed,
      ),
      caught: sum(rows, (r) => r.caught ?? 0),
    },
    harmless: {
      count: sum(harmlessRows, (r) => r.assessed),
      suspicious: sum(harmlessRows, (r) => r.suspicious),
      countExceptNoPass: sum(harmlessRows, (r) => r.assessed) - noPass.assessed,
      suspiciousExceptNoPass: sum(harmlessRows, (r) => r.suspicious) - noPass.suspicious,
    },
    history: row('history', historySuccesses, results),
    missing:
      tests.filter((t) => !results.has(t.id)).length +
      historySuccesses.filter((t) => !results.has(t.id)).length,
  };
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '–');

export function table(s: Summary): string {
  const lines = [
    '| scenario | kind | logins | suspicious | unusual | trusted | caught for its own reason | mean risk | signals fired (count) |',
    '|---|---|---:|---:|---:|---:|---|---:|---|',
  ];
  for (const r of [...s.rows, s.history]) {
    const caught = r.reason ? `${r.caught} (${pct(r.caught!, r.assessed)}) — \`${r.reason}\`` : '';
    const kind = r.scenario === 'history' ? 'harmless (background)' : r.attack ? 'attack' : 'harmless';
    const sig = r.signals
      .slice(0, 5)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    lines.push(
      `| ${r.scenario} | ${kind} | ${r.assessed}${r.assessed !== r.count ? ` of ${r.count}` : ''} | ${r.suspicious} | ${r.unusual} | ${r.trusted} | ${caught} | ${Number.isNaN(r.meanRisk) ? '–' : r.meanRisk.toFixed(1)} | ${sig} |`,
    );
  }
  return lines.join('\n');
}

export function headline(s: Summary): string[] {
  return [
    `- attacks caught for their own reason: **${s.attacks.caught} of ${s.attacks.count} (${pct(s.attacks.caught, s.attacks.count)})**`,
    `- harmless labelled logins judged suspicious: **${s.harmless.suspicious} of ${s.harmless.count} (${pct(s.harmless.suspicious, s.harmless.count)})**; without the travellers who set no travel pass (suspicious by SPEC §4's country rule, by design): ${s.harmless.suspiciousExceptNoPass} of ${s.harmless.countExceptNoPass} (${pct(s.harmless.suspiciousExceptNoPass, s.harmless.countExceptNoPass)})`,
    `- background history logins judged suspicious: ${s.history.suspicious} of ${s.history.assessed} (${pct(s.history.suspicious, s.history.assessed)}), unusual ${pct(s.history.unusual, s.history.assessed)}`,
    `- ROC AUC of the risk score, attacks vs harmless labelled logins (Mann–Whitney, ties ½): **${Number.isNaN(s.auc) ? '–' : s.auc.toFixed(3)}**`,
    ...(s.missing ? [`- logins never assessed within the wait: ${s.missing}`] : []),
  ];
}

/**
 * Which labelled logins went wrong and what the engine saw: attacks not caught for their own
 * reason and harmless logins judged suspicious, grouped by scenario, verdict and the signals that
 * fired (the most frequent groups first).
 */
export function misses(tests: CorpusEvent[], results: Map<string, Assessment>, perScenario = 4): string[] {
  const groups = new Map<Scenario, Map<string, number>>();
  for (const t of tests) {
    const a = results.get(t.id);
    const s = t.scenario!;
    let wrong: boolean;
    if (!a) wrong = true;
    else if (isAttack(s))
      wrong = !(a.verdict === 'suspicious' && (a.signals ?? []).some((x) => x.code === OWN_REASON[s]));
    else wrong = a.verdict === 'suspicious';
    if (!wrong) continue;
    const key = a
      ? `${a.verdict}, risk ${a.risk >= 50 ? '≥ 50' : '< 50'}, signals: ${
          [...new Set((a.signals ?? []).map((x) => x.code))].sort().join(' + ') || 'none'
        }`
      : 'never assessed';
    const g = groups.get(s) ?? new Map<string, number>();
    g.set(key, (g.get(key) ?? 0) + 1);
    groups.set(s, g);
  }
  const lines: string[] = [];
  for (const s of [...ATTACKS, ...HARMLESS]) {
    const g = groups.get(s);
    if (!g) continue;
    const total = [...g.values()].reduce((a, b) => a + b, 0);
    const top = [...g]
      .sort((x, y) => y[1] - x[1])
      .slice(0, perScenario)
      .map(([k, n]) => `${n} × ${k}`)
      .join('; ');
    lines.push(`- \`${s}\` (${isAttack(s) ? 'not caught' : 'judged suspicious'}: ${total}): ${top}`);
  }
  return lines;
}

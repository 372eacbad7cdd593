import type { ReplayReport } from './engine';

const VERDICTS = ['trusted', 'unusual', 'suspicious'];

function table(head: string[], rows: (string | number)[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function compared(replay: Record<string, number>, actual: Record<string, number>, keys?: string[]) {
  const all = keys ?? [...new Set([...Object.keys(replay), ...Object.keys(actual)])].sort();
  return all.map((k) => {
    const r = replay[k] ?? 0;
    const a = actual[k] ?? 0;
    return [k, r, a, r - a > 0 ? `+${r - a}` : String(r - a)];
  });
}

/** The report as a reader's tables (the same content as --json). */
export function formatReport(r: ReplayReport): string {
  const out: string[] = [];
  const overrides = Object.entries(r.settings.overrides).map(([k, v]) => `${k}=${v}`);
  out.push(`Replay of ${r.window.from} → ${r.window.to}`);
  out.push(`settings: ${r.settings.source}${overrides.length ? ` (${overrides.join(', ')})` : ''}`);
  out.push(
    `logins: ${r.logins.total} (decided by account-guard: ${r.logins.decided}, of which in shadow: ${r.logins.shadowDecided}; not decided: ${r.logins.undecided}; partial: ${r.logins.partial})`,
  );
  out.push('', '"actual" counts only the logins account-guard decided.', '');
  out.push(
    ...table(
      ['verdict', 'replay', 'actual', 'change'],
      compared(r.verdicts.replay, r.verdicts.actual, VERDICTS),
    ),
  );
  out.push('');
  out.push(...table(['signal', 'replay', 'actual', 'change'], compared(r.signals.replay, r.signals.actual)));
  out.push('');
  out.push(...table(['action', 'replay', 'actual', 'change'], compared(r.actions.replay, r.actions.actual)));
  out.push('');
  out.push(
    `accounts that would have been locked: ${r.locks.accounts} (${r.locks.logins} locking logins, ${r.locks.extra} not locked by account-guard; ${r.locks.refusedLocked} logins refused as account_locked)`,
  );
  if (r.locks.examples.length)
    out.push(`  ${r.locks.examples.join(', ')}${r.locks.accounts > r.locks.examples.length ? ', …' : ''}`);
  out.push('');
  const d = r.difference;
  if (d.logins === 0) {
    out.push('difference from what was decided: none');
  } else {
    out.push(
      `difference from what was decided: ${d.logins} logins would change (verdict: ${d.verdictChanged}, actions: ${d.actionsChanged})`,
    );
    for (const [t, n] of Object.entries(d.transitions).sort((a, b) => b[1] - a[1])) out.push(`  ${t}: ${n}`);
    out.push(
      '  by signal (+ fires only in the replay, - only in what was decided; risk: the score alone; policy: the actions alone):',
    );
    for (const [cause, g] of Object.entries(d.bySignal).sort((a, b) => b[1].count - a[1].count)) {
      out.push(`    ${cause}: ${g.count}`);
      for (const e of g.examples)
        out.push(
          `      ${e.at} ${e.accountId} ${e.loginEventId}: ${e.actual.verdict} [${e.actual.actions.join(' ')}] → ${e.replay.verdict} [${e.replay.actions.join(' ')}] risk ${e.replay.risk}`,
        );
    }
  }
  out.push('', 'notes:', ...r.notes.map((n) => `  - ${n}`));
  return out.join('\n') + '\n';
}

/**
 * The replay's pure part: each login judged by account-guard's own decideInOrder (the function
 * the consumer's decide step calls), against the settings it is given, and counted. It keeps
 * counters, at most `maxExamples` examples per list, and one small entry per account the replay
 * holds locked: never the logins themselves.
 */
import { decideInOrder } from '../../src/domain/decide';
import type { PlannedAction } from '../../src/domain/policy';
import type { LockState, LoginFacts, ProtectionSettings, Verdict } from '../../src/domain/types';
import type { ReplaySettings } from './settings';

/** What account-guard actually decided for a login (login_decision and its login_action rows). */
export interface ActualDecision {
  verdict: Verdict;
  reasons: string[];
  /** Codes of the signals that fired. */
  signals: string[];
  /** Action labels (`kick`, `notify:email`…), skipped notices left out. */
  actions: string[];
  /** Decided under ENFORCEMENT=shadow (its actions recorded, not carried out). */
  shadow: boolean;
}

export interface ReplayInput {
  facts: LoginFacts;
  /** The account's protection settings as they are now (or the defaults). */
  settings: ProtectionSettings;
  actual: ActualDecision | null;
  /** The export had only part of the login's data (recorded before the export existed). */
  partial?: boolean;
}

export interface LoginOutcome {
  verdict: Verdict;
  signals: string[];
  actions: string[];
  risk: number;
}

export interface Example {
  loginEventId: string;
  accountId: string;
  at: string;
  actual: { verdict: Verdict; actions: string[]; signals: string[] };
  replay: LoginOutcome;
}

type Counts = Record<string, number>;

export interface ReplayReport {
  window: { from: string; to: string };
  settings: { source: string; overrides: Record<string, string> };
  logins: { total: number; decided: number; undecided: number; partial: number; shadowDecided: number };
  verdicts: { replay: Counts; actual: Counts };
  signals: { replay: Counts; actual: Counts };
  actions: { replay: Counts; actual: Counts };
  locks: {
    /** Logins whose replayed plan locks their account. */
    logins: number;
    /** Distinct accounts those locked. */
    accounts: number;
    /** Logins the replay refuses as `account_locked` (after its own or a real lock). */
    refusedLocked: number;
    examples: string[];
    /** Of the replay's locks, those account-guard did not make for the same login. */
    extra: number;
  };
  difference: {
    /** Decided logins whose verdict or actions would change. */
    logins: number;
    verdictChanged: number;
    actionsChanged: number;
    /** `actual→replay` verdict pairs of the changed logins. */
    transitions: Counts;
    /**
     * Why, by signal: `+code` fired in the replay only, `-code` only in what was decided;
     * `risk` the verdict moved with the score alone; `policy` only the actions did (policy,
     * channels, lock state).
     */
    bySignal: Record<string, { count: number; examples: Example[] }>;
  };
  notes: string[];
}

const labelOf = (a: PlannedAction): string | null =>
  a.type === 'notify' ? (a.skip ? null : `notify:${a.channel}`) : a.type;

const inc = (c: Counts, k: string, by = 1) => (c[k] = (c[k] ?? 0) + by);
const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('|') === [...b].sort().join('|');

/** The lock the replay holds on an account: from its own plan, or the real one it saw refused. */
interface HeldLock extends LockState {
  reason: string;
  /** account-guard locked the account at this same login: a later login it let in was unlocked since. */
  matchesActual: boolean;
}

export class Replay {
  private readonly locks = new Map<string, HeldLock>();
  private readonly lockedAccounts = new Set<string>();
  /** Accounts account-guard locked at a login the replay does not lock. */
  private readonly lifted = new Set<string>();
  readonly report: ReplayReport;

  constructor(
    private readonly settings: ReplaySettings,
    private readonly maxExamples: number,
    meta: { from: string; to: string; source: string },
  ) {
    this.report = {
      window: { from: meta.from, to: meta.to },
      settings: { source: meta.source, overrides: settings.overrides },
      logins: { total: 0, decided: 0, undecided: 0, partial: 0, shadowDecided: 0 },
      verdicts: { replay: {}, actual: {} },
      signals: { replay: {}, actual: {} },
      actions: { replay: {}, actual: {} },
      locks: { logins: 0, accounts: 0, refusedLocked: 0, examples: [], extra: 0 },
      difference: { logins: 0, verdictChanged: 0, actionsChanged: 0, transitions: {}, bySignal: {} },
      notes: [],
    };
  }

  /**
   * The account's lock as this login meets it. A login account-guard refused as locked was
   * locked then (a real lock the replay cannot lift, unless account-guard made it at a login of
   * the window that the replay does not lock); a login it let in after locking the
   * account at a login the replay locks too was unlocked since (support or the player did), so
   * that lock is let go; a lock only the replay made holds to the end of the window.
   */
  private lockFor(input: ReplayInput): LockState | null {
    const { accountId } = input.facts;
    const held = this.locks.get(accountId);
    if (input.actual?.reasons.includes('account_locked')) {
      if (held) return held;
      // Locked by account-guard at a login of the window the replay lets in: not locked here.
      if (this.lifted.has(accountId)) return null;
      return { lockId: 'actual', lockedAt: input.facts.at, reason: 'locked when the login came' };
    }
    if (input.actual) {
      this.lifted.delete(accountId);
      if (held?.matchesActual) {
        this.locks.delete(accountId);
        return null;
      }
    }
    return held ?? null;
  }

  /** Judges one login (logins come in time order) and counts it; returns what the replay decided. */
  add(input: ReplayInput): LoginOutcome {
    const r = this.report;
    const { facts, actual } = input;
    const lock = this.lockFor(input);
    const [d] = decideInOrder({
      logins: [facts],
      accountOf: () => ({ settings: input.settings, lock }),
      channelsEnabled: this.settings.channelsEnabled,
      newLockId: () => `replay-${facts.loginId}`,
      thresholds: this.settings.thresholds,
    });
    const decision = d!;
    const actions = decision.plan.actions.flatMap((a) => labelOf(a) ?? []);
    const outcome: LoginOutcome = {
      verdict: decision.assessment.verdict,
      signals: decision.assessment.signals.map((s) => s.code),
      actions,
      risk: decision.assessment.risk,
    };

    r.logins.total++;
    if (input.partial) r.logins.partial++;
    inc(r.verdicts.replay, outcome.verdict);
    for (const s of outcome.signals) inc(r.signals.replay, s);
    for (const a of actions) inc(r.actions.replay, a);
    if (decision.plan.reasons.includes('account_locked')) r.locks.refusedLocked++;
    if (decision.newLock) {
      r.locks.logins++;
      const matchesActual = actual?.actions.includes('lock') ?? false;
      if (!matchesActual) r.locks.extra++;
      this.locks.set(facts.accountId, {
        lockId: decision.newLock.lockId,
        lockedAt: facts.at,
        reason: decision.newLock.reason,
        matchesActual,
      });
      if (!this.lockedAccounts.has(facts.accountId)) {
        this.lockedAccounts.add(facts.accountId);
        r.locks.accounts++;
        if (r.locks.examples.length < this.maxExamples) r.locks.examples.push(facts.accountId);
      }
    }

    if (actual?.actions.includes('lock') && !decision.newLock) this.lifted.add(facts.accountId);

    if (!actual) {
      r.logins.undecided++;
      return outcome;
    }
    r.logins.decided++;
    if (actual.shadow) r.logins.shadowDecided++;
    inc(r.verdicts.actual, actual.verdict);
    for (const s of actual.signals) inc(r.signals.actual, s);
    for (const a of actual.actions) inc(r.actions.actual, a);

    const verdictChanged = actual.verdict !== outcome.verdict;
    const actionsChanged = !sameSet(actual.actions, actions);
    if (!verdictChanged && !actionsChanged) return outcome;
    const diff = r.difference;
    diff.logins++;
    if (verdictChanged) diff.verdictChanged++;
    if (actionsChanged) diff.actionsChanged++;
    inc(diff.transitions, `${actual.verdict}→${outcome.verdict}`);
    const causes = [
      ...outcome.signals.filter((s) => !actual.signals.includes(s)).map((s) => `+${s}`),
      ...actual.signals.filter((s) => !outcome.signals.includes(s)).map((s) => `-${s}`),
    ];
    if (causes.length === 0) causes.push(verdictChanged ? 'risk' : 'policy');
    const example: Example = {
      loginEventId: facts.loginId,
      accountId: facts.accountId,
      at: facts.at,
      actual: { verdict: actual.verdict, actions: actual.actions, signals: actual.signals },
      replay: outcome,
    };
    for (const c of causes) {
      const g = (diff.bySignal[c] ??= { count: 0, examples: [] });
      g.count++;
      if (g.examples.length < this.maxExamples) g.examples.push(example);
    }
    return outcome;
  }

  /** Accounts the replay holds locked right now (its memory beyond the counters). */
  get heldLocks(): number {
    return this.locks.size;
  }
}

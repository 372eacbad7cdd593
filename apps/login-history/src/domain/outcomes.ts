/**
 * What became of a login (SPEC §8): account-guard's assessment (`login.assessed`) and the
 * player's answer (`login.reported`). Either may arrive first, late or twice; each is kept with
 * the time it is of, and only a newer one replaces it.
 */

export type Verdict = 'trusted' | 'unusual' | 'suspicious';
export type Answer = 'me' | 'not_me';

export interface AssessedSignal {
  code: string;
  level: string;
  detail: Record<string, unknown>;
}

export interface AssessedAction {
  type: string;
  channel?: string;
  status: string;
}

interface OutcomeKey {
  /** The delivery's key: the event id (a redelivered copy shares it). */
  eventId: string;
  loginId: string;
  recordId: string;
  accountId: string;
}

export interface AssessmentEntry extends OutcomeKey {
  /** The event's `time`: a later assessment of the login replaces an earlier one, never the reverse. */
  at: Date;
  verdict: Verdict;
  risk: number;
  reasons: string[];
  signals: AssessedSignal[];
  actions: AssessedAction[];
  shadow?: boolean;
}

export interface AnswerEntry extends OutcomeKey {
  answer: Answer;
  /** When the player answered (`data.at`): the latest answer stands. */
  at: Date;
  by?: string;
}

/**
 * What a write did with an entry: stored; stale (a newer one of the login is kept); or refused,
 * its account not the one the login (or its outcome) belongs to.
 */
export type OutcomeWrite = 'stored' | 'stale' | 'account_mismatch';

/** An outcome as read for a history page. */
export interface StoredOutcome {
  recordId: string;
  accountId: string;
  assessment: {
    verdict: Verdict;
    risk: number;
    reasons: string[];
    signals: AssessedSignal[];
    actions: AssessedAction[];
    shadow: boolean | null;
  } | null;
  answer: Answer | null;
}

/**
 * What was enforced wins over what a shadow deployment (SPEC §10) would have done, whatever
 * their times: the history shows what the suite did. Of two alike, the later; at the same time
 * (a redelivery: account-guard stamps an assessment with its login's time) the first stays.
 * The SQL upsert of assessments applies the same rule.
 */
export const assessmentSupersedes = (a: AssessmentEntry, b: AssessmentEntry) =>
  (!a.shadow && !!b.shadow) || (!a.shadow === !b.shadow && a.at.getTime() > b.at.getTime());

/**
 * "Not me" wins over "me" whatever their times (account-guard accepts "not me" after "me" but
 * never the reverse, and two replicas' clocks need not agree); of two alike, the later. The SQL
 * upsert of answers applies the same rule.
 */
export const answerSupersedes = (a: AnswerEntry, b: AnswerEntry) =>
  (a.answer === 'not_me' && b.answer === 'me') || (a.answer === b.answer && a.at.getTime() > b.at.getTime());

/**
 * Of a batch's entries, the one per login that is written (the newest), and what becomes of the
 * others without a write: stale, or an account mismatch when they name another account than the
 * one written (one login has one account).
 */
export function newestPerLogin<T extends OutcomeKey>(
  entries: T[],
  supersedes: (a: T, b: T) => boolean,
): { chosen: T[]; settled: Map<string, OutcomeWrite> } {
  const byLogin = new Map<string, T>();
  for (const e of entries) {
    const seen = byLogin.get(e.loginId);
    if (!seen || supersedes(e, seen)) byLogin.set(e.loginId, e);
  }
  const settled = new Map<string, OutcomeWrite>();
  for (const e of entries) {
    const chosen = byLogin.get(e.loginId)!;
    if (chosen === e) continue;
    settled.set(e.eventId, chosen.accountId === e.accountId ? 'stale' : 'account_mismatch');
  }
  return { chosen: [...byLogin.values()], settled };
}

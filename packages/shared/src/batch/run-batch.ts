import type { Logger } from '../logger';

/** A member of the batch after its key (the login id) is known; members with one key are one entry. */
export interface BatchEntry<U, R> {
  key: string;
  value: U;
  /** What `commit` returned for this key. */
  result: R;
}

export interface BatchSteps<T, U, R> {
  /** An item's key and what the commit needs of it; a throw fails this item alone with the error. */
  prepare(item: T, index: number): { key: string; value: U };
  /** One transaction over the batch's unique values; a result per key it handled. */
  commit(values: U[]): Promise<Map<string, R>>;
  /** The follow-ups of what committed (publishing, carrying out); the keys that failed, with why. */
  afterCommit?(entries: BatchEntry<U, R>[]): Promise<Map<string, Error>>;
  /** The error an item fails with (e.g. a database outage as a TransientError). */
  toError(err: unknown): Error;
  /** A failure no smaller batch would avoid (the database is down): no one-by-one fallback then. */
  isTransient(err: unknown): boolean;
  logger: Logger;
  /** What the commit does, for the log line of the fallback ("recorded", "decided"). */
  what: string;
}

/**
 * The one batch skeleton of the suite: dedupe by key (the same login twice in a batch is handled
 * once) → one transaction → if that fails for a reason other than an outage, one transaction per
 * value, so a poison item fails alone and the others go on → the follow-ups → one result per
 * item: undefined to ack it, an Error for the retry path. Duplicates share their key's result.
 */
export async function runBatch<T, U, R>(
  items: T[],
  steps: BatchSteps<T, U, R>,
): Promise<(Error | undefined)[]> {
  const errors: (Error | undefined)[] = items.map(() => undefined);
  const byKey = new Map<string, { value: U; indexes: number[] }>();
  items.forEach((item, i) => {
    try {
      const { key, value } = steps.prepare(item, i);
      const seen = byKey.get(key);
      if (seen) seen.indexes.push(i);
      else byKey.set(key, { value, indexes: [i] });
    } catch (err) {
      errors[i] = steps.toError(err);
    }
  });
  if (byKey.size === 0) return errors;

  const { done, failed } = await commitOrOneByOne(
    steps,
    [...byKey.values()].map((v) => v.value),
    [...byKey.keys()],
  );
  if (steps.afterCommit) {
    const entries: BatchEntry<U, R>[] = [];
    for (const [key, { value }] of byKey) {
      const result = done.get(key);
      if (result !== undefined && !failed.has(key)) entries.push({ key, value, result });
    }
    for (const [key, err] of await steps.afterCommit(entries)) failed.set(key, err);
  }
  for (const [key, err] of failed) for (const i of byKey.get(key)?.indexes ?? []) errors[i] = err;
  return errors;
}

async function commitOrOneByOne<T, U, R>(
  steps: BatchSteps<T, U, R>,
  values: U[],
  keys: string[],
): Promise<{ done: Map<string, R>; failed: Map<string, Error> }> {
  const failed = new Map<string, Error>();
  try {
    return { done: await steps.commit(values), failed };
  } catch (err) {
    if (values.length === 1 || steps.isTransient(err)) {
      for (const key of keys) failed.set(key, steps.toError(err));
      return { done: new Map(), failed };
    }
    // Something in the batch is wrong for the database itself: one by one, so the faulty item
    // goes its own way and does not drag the others through the retries with it.
    steps.logger.warn(
      { err: err instanceof Error ? err.message : String(err), batch: values.length },
      `batch could not be ${steps.what}; one by one`,
    );
  }
  const done = new Map<string, R>();
  for (let i = 0; i < values.length; i++) {
    try {
      for (const [key, r] of await steps.commit([values[i]!])) done.set(key, r);
    } catch (err) {
      failed.set(keys[i]!, steps.toError(err));
    }
  }
  return { done, failed };
}

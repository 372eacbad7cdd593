import {
  BatchItem,
  BatchSpec,
  EventOf,
  LOGIN_GEO_RESOLVED,
  LOGIN_RECORDED,
  Logger,
  PermanentError,
  TransientError,
  followUp,
  followUpId,
  isTransientDbError,
  loginIdOf,
  serviceQueue,
} from '@account-security/shared';
import type { Kysely } from 'kysely';
import type { DB } from '../data-access/schema';
import {
  RecordedLogin,
  findLatestBefore,
  lockAccounts,
  readRecordingState,
  writeRecording,
} from '../data-access/logins.repository';
import { LoginToRecord, arrivingLate, planHistory } from '../domain/history';
import { SERVICE_NAME } from '../config';

export const LOGIN_GEO_RESOLVED_QUEUE = serviceQueue(SERVICE_NAME, LOGIN_GEO_RESOLVED);

type GeoResolvedEvent = EventOf<typeof LOGIN_GEO_RESOLVED>;
export type LoginRecordedEvent = EventOf<typeof LOGIN_RECORDED>;

/** A login stamped later than this ahead of our clock is refused rather than made everyone's "latest". */
const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

export interface LoginEntry {
  login: LoginToRecord;
  platform: string;
  version: string;
}

export interface RecorderDeps {
  db: Kysely<DB>;
  logger: Logger;
  /** Resolves once the broker confirmed the event. */
  publish: (event: LoginRecordedEvent) => Promise<void>;
  now?: () => Date;
}

/** A login's record id is derived from its login id: whoever records it first, it is the same. */
export const recordIdOf = (loginId: string) => followUpId(loginId, 'login-history/record');

/** The login as this service stores it; the login time is the event's `time` (to the millisecond). */
export function toLoginEntry(event: GeoResolvedEvent, now: Date): LoginEntry {
  const loggedInAt = new Date(event.time);
  if (loggedInAt.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) {
    throw new PermanentError(`login time ${event.time} is more than a day in the future`, 'invalid_data');
  }
  const loginId = loginIdOf(event);
  const { accountId, ip, client, geo } = event.data;
  return {
    login: { loginId, accountId, loggedInAt, recordId: recordIdOf(loginId), ip, country: geo.country },
    platform: client.platform,
    version: client.version,
  };
}

/**
 * Records logins in one transaction: the accounts are locked first, so a login id that another
 * consumer is recording is seen as recorded here once it commits, and each account's logins
 * get their history facts computed against everything recorded before. Returns every login's
 * facts, whether recorded now or earlier (as stored then).
 */
export async function recordLogins(
  db: Kysely<DB>,
  entries: LoginEntry[],
): Promise<Map<string, RecordedLogin>> {
  return db.transaction().execute(async (trx) => {
    const accountIds = [...new Set(entries.map((e) => e.login.accountId))];
    await lockAccounts(trx, accountIds);
    const { recorded, histories } = await readRecordingState(
      trx,
      entries.map((e) => e.login.loginId),
      accountIds,
    );
    const seen = new Set<string>();
    // Not yet recorded, and each login id once even if the caller passed it twice.
    const fresh = entries.filter((e) => {
      const id = e.login.loginId;
      if (recorded.has(id) || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (fresh.length === 0) return recorded;

    const logins = fresh.map((e) => e.login);
    const earlier = await findLatestBefore(trx, arrivingLate(logins, histories));
    const plan = planHistory(logins, histories, earlier);
    const rows = fresh.map((e) => ({ ...e, facts: plan.facts.get(e.login.loginId)! }));
    await writeRecording(trx, rows, plan);
    for (const { login, facts } of rows) {
      recorded.set(login.loginId, {
        loginId: login.loginId,
        accountId: login.accountId,
        recordId: login.recordId,
        loggedInAt: login.loggedInAt,
        ...facts,
      });
    }
    return recorded;
  });
}

export function recordedEventFor(event: GeoResolvedEvent, r: RecordedLogin): LoginRecordedEvent {
  const previous = r.previous && {
    country: r.previous.country,
    ip: r.previous.ip,
    loggedInAt: r.previous.loggedInAt.toISOString(),
  };
  // The stored login time, not the clock: a republished event is the same event.
  return followUp(
    event,
    LOGIN_RECORDED,
    { ...event.data, history: { recordId: r.recordId, newCountry: r.newCountry, previous } },
    { source: SERVICE_NAME, time: r.loggedInAt.toISOString() },
  );
}

const asHandlingError = (err: unknown): Error =>
  isTransientDbError(err)
    ? new TransientError(`database unavailable: ${(err as Error).message}`, { cause: err })
    : err instanceof Error
      ? err
      : new Error(String(err));

/**
 * A batch of deliveries: validate, record all in one transaction, then publish every
 * `login.recorded` concurrently and wait for the broker's confirms. A delivery is acked only when
 * its login is recorded and its event confirmed; otherwise its error sends it to the retry path,
 * where a redelivery republishes the stored facts. Duplicates (the same login twice in a batch)
 * share one recording and one event.
 */
export async function handleLoginBatch(deps: RecorderDeps, items: BatchItem<typeof LOGIN_GEO_RESOLVED>[]) {
  const now = deps.now?.() ?? new Date();
  const errors: (Error | undefined)[] = items.map(() => undefined);
  const logins = new Map<string, { event: GeoResolvedEvent; entry: LoginEntry; indexes: number[] }>();
  items.forEach(({ event }, i) => {
    try {
      const entry = toLoginEntry(event, now);
      const seen = logins.get(entry.login.loginId);
      if (seen) seen.indexes.push(i);
      else logins.set(entry.login.loginId, { event, entry, indexes: [i] });
    } catch (err) {
      errors[i] = asHandlingError(err);
    }
  });
  const unique = [...logins.values()];
  if (unique.length === 0) return errors;

  const failed = new Map<string, Error>();
  let recorded: Map<string, RecordedLogin>;
  try {
    recorded = await recordLogins(
      deps.db,
      unique.map((u) => u.entry),
    );
  } catch (err) {
    if (unique.length === 1 || isTransientDbError(err)) {
      recorded = new Map();
      for (const u of unique) failed.set(u.entry.login.loginId, asHandlingError(err));
    } else {
      // Something in the batch is wrong for the database itself: one by one, so the faulty
      // login goes its own way and does not drag the others through the retries with it.
      deps.logger.warn(
        { err, batch: unique.length },
        'batch could not be recorded; recording its logins one by one',
      );
      recorded = new Map();
      for (const u of unique) {
        try {
          const one = await recordLogins(deps.db, [u.entry]);
          for (const [id, r] of one) recorded.set(id, r);
        } catch (e) {
          failed.set(u.entry.login.loginId, asHandlingError(e));
        }
      }
    }
  }

  await Promise.all(
    unique.map(async ({ event, entry }) => {
      const r = recorded.get(entry.login.loginId);
      if (!r) return;
      try {
        await deps.publish(recordedEventFor(event, r));
      } catch (err) {
        failed.set(entry.login.loginId, err instanceof Error ? err : new Error(String(err)));
      }
    }),
  );

  for (const [loginId, err] of failed) for (const i of logins.get(loginId)!.indexes) errors[i] = err;
  return errors;
}

export function loginGeoResolvedConsumer(
  deps: RecorderDeps,
  opts: { prefetch: number; batchSize: number; batchDelayMs: number },
): BatchSpec<typeof LOGIN_GEO_RESOLVED> {
  return {
    queue: LOGIN_GEO_RESOLVED_QUEUE,
    types: [LOGIN_GEO_RESOLVED],
    prefetch: opts.prefetch,
    batchSize: opts.batchSize,
    batchDelayMs: opts.batchDelayMs,
    handleBatch: (items) => handleLoginBatch(deps, items),
  };
}

import {
  Broker,
  Logger,
  LoginRecordedEvent,
  createDb,
  ensureDatabase,
  migrateToLatest,
} from '@account-security/shared';
import type { Kysely } from 'kysely';
import { Config, SERVICE_NAME } from './config';
import type { DB } from './data-access/tables';
import type { Clock } from './domain/clock';
import type { RecordedPublisher } from './application/record-logins/publish.step';

/** What the use cases work with, created once by `start` and handed down. */
export interface Deps {
  db: Kysely<DB>;
  publisher: RecordedPublisher;
  clock: Clock;
  /** Releases what `createDeps` opened. */
  close(): Promise<void>;
}

/**
 * How a test puts a double in: a clock of its own, or a publisher around the real one (to fail
 * a publish as a crash before the confirm would). The broker and the database stay real.
 */
export interface DepsOverrides {
  clock?: Clock;
  publisher?: (real: RecordedPublisher) => RecordedPublisher;
}

const systemClock: Clock = { now: () => new Date() };

export async function createDeps(
  config: Config,
  runtime: { broker: Pick<Broker, 'publish'>; logger: Logger },
  overrides: DepsOverrides = {},
): Promise<Deps> {
  const { broker, logger } = runtime;
  if (config.MIGRATE_ON_START) {
    // Where the role may not create databases the database already exists: carry on, and
    // let the migration report a missing one.
    await ensureDatabase(config.DATABASE_URL).catch((err) =>
      logger.warn({ err: (err as Error).message }, 'could not check that the database exists'),
    );
  }
  const db = createDb<DB>(config.DATABASE_URL, {
    max: config.DATABASE_POOL_SIZE,
    applicationName: SERVICE_NAME,
  });
  try {
    if (config.MIGRATE_ON_START) await migrateToLatest(db, SERVICE_NAME, logger);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const real: RecordedPublisher = { publish: (event: LoginRecordedEvent) => broker.publish(event) };
  return {
    db,
    publisher: overrides.publisher?.(real) ?? real,
    clock: overrides.clock ?? systemClock,
    close: () => db.destroy(),
  };
}

import type { Logger } from '@account-security/shared';
import type { Kysely } from 'kysely';
import type { DB } from '../data-access/schema';
import {
  createMonthPartition,
  dropPartition,
  listPartitions,
  purgeBatch,
  withMaintenanceLock,
} from '../data-access/retention.repository';
import { expiredPartitions, partitionsToCover, retentionCutoff } from '../domain/partitions';

export interface RetentionOptions {
  retentionDays: number;
  now?: Date;
  /** Months after the current one that get their partition ahead of time. */
  monthsAhead?: number;
  /** Logins deleted per transaction when trimming the boundary month and the default partition. */
  batchSize?: number;
  lockTimeoutMs?: number;
  /** Checked between batches: a stopping service does not wait for a long purge. */
  shouldStop?: () => boolean;
}

export interface PurgeResult {
  cutoff: Date;
  droppedPartitions: string[];
  deletedLogins: number;
}

const FIRST_RUN_DELAY_MS = 60_000;
const DEFAULTS = { monthsAhead: 2, batchSize: 5000, lockTimeoutMs: 2000 };

/**
 * Creates the missing monthly partitions from the retention cutoff's month to a few months
 * ahead. Returns the ones created, or undefined when another process is doing maintenance.
 */
export async function ensurePartitions(
  db: Kysely<DB>,
  opts: RetentionOptions,
): Promise<string[] | undefined> {
  const now = opts.now ?? new Date();
  const cutoff = retentionCutoff(now, opts.retentionDays);
  return withMaintenanceLock(db, async (conn) => {
    const existing = new Set(await listPartitions(conn));
    const created: string[] = [];
    for (const p of partitionsToCover(cutoff, now, opts.monthsAhead ?? DEFAULTS.monthsAhead)) {
      if (existing.has(p.name)) continue;
      await createMonthPartition(conn, p, opts.lockTimeoutMs ?? DEFAULTS.lockTimeoutMs);
      created.push(p.name);
    }
    return created;
  });
}

/**
 * Retention: removes every login older than `retentionDays`, and nothing younger. Months wholly
 * older than the cutoff are detached and dropped; the rest (the month the cutoff falls in, the
 * default partition) is deleted in small batches. Returns undefined when another process is
 * doing maintenance.
 */
export async function purgeExpiredLogins(
  db: Kysely<DB>,
  opts: RetentionOptions,
): Promise<PurgeResult | undefined> {
  const cutoff = retentionCutoff(opts.now ?? new Date(), opts.retentionDays);
  const batchSize = opts.batchSize ?? DEFAULTS.batchSize;
  return withMaintenanceLock(db, async (conn) => {
    const result: PurgeResult = { cutoff, droppedPartitions: [], deletedLogins: 0 };
    for (const p of expiredPartitions(await listPartitions(conn), cutoff)) {
      await dropPartition(conn, p.name, opts.lockTimeoutMs ?? DEFAULTS.lockTimeoutMs);
      result.droppedPartitions.push(p.name);
    }
    for (;;) {
      if (opts.shouldStop?.()) break;
      const n = await purgeBatch(conn, cutoff, batchSize);
      result.deletedLogins += n;
      if (n < batchSize) break;
    }
    return result;
  });
}

export interface Maintenance {
  stop(): Promise<void>;
}

/**
 * Partition upkeep now (so the first logins land in their month's partition), then partition
 * upkeep and the retention purge every `intervalMs`. Failures are logged and tried again at the
 * next run: meanwhile logins still land in the default partition and nothing is lost.
 */
export async function startMaintenance(opts: {
  db: Kysely<DB>;
  logger: Logger;
  retentionDays: number;
  intervalMs: number;
}): Promise<Maintenance> {
  const { db, logger, retentionDays } = opts;
  let stopping = false;
  let running: Promise<void> | undefined;

  const upkeep = async () => {
    const created = await ensurePartitions(db, { retentionDays });
    if (created?.length) logger.info({ partitions: created }, 'login partitions created');
  };
  const run = async () => {
    try {
      await upkeep();
      const purged = await purgeExpiredLogins(db, { retentionDays, shouldStop: () => stopping });
      if (purged && (purged.deletedLogins > 0 || purged.droppedPartitions.length > 0)) {
        logger.info(
          {
            cutoff: purged.cutoff,
            droppedPartitions: purged.droppedPartitions,
            deletedLogins: purged.deletedLogins,
          },
          'expired logins purged',
        );
      }
    } catch (err) {
      logger.error({ err }, 'history maintenance failed; trying again at the next run');
    }
  };

  try {
    await upkeep();
  } catch (err) {
    logger.warn(
      { err },
      'could not create login partitions at start; logins go to the default partition until the next run',
    );
  }
  // The first purge comes soon after start, not a whole interval later: a service redeployed
  // more often than the interval would otherwise never purge.
  let timer: NodeJS.Timeout | undefined;
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        if (!stopping) schedule(opts.intervalMs);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(Math.min(opts.intervalMs, FIRST_RUN_DELAY_MS));

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}

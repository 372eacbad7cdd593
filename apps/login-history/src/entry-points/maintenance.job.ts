import type { Logger } from '@account-security/shared';
import type { Kysely } from 'kysely';
import type { DB } from '../data-access/tables';
import type { Clock } from '../domain/clock';
import { ensurePartitions, purgeExpiredLogins } from '../application/retention/retention.service';
import { pruneFailureCounts } from '../data-access/failures.repository';

const FIRST_RUN_DELAY_MS = 60_000;

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
  clock: Clock;
  retentionDays: number;
  /** Failure counts older than this window are of no further use (SPEC §7 failures). */
  failureWindowMinutes?: number;
  intervalMs: number;
}): Promise<Maintenance> {
  const { db, logger, clock, retentionDays } = opts;
  let stopping = false;
  let running: Promise<void> | undefined;

  const upkeep = async () => {
    const created = await ensurePartitions(db, { retentionDays, now: clock.now() });
    if (created?.length) logger.info({ partitions: created }, 'login partitions created');
  };
  const run = async () => {
    try {
      await upkeep();
      const pruned = await pruneFailureCounts(
        db,
        new Date(clock.now().getTime() - 2 * (opts.failureWindowMinutes ?? 60) * 60_000),
      );
      if (pruned > 0) logger.info({ rows: pruned }, 'old failure counts pruned');
      const purged = await purgeExpiredLogins(db, {
        retentionDays,
        now: clock.now(),
        shouldStop: () => stopping,
      });
      if (
        purged &&
        (purged.deletedLogins > 0 || purged.droppedPartitions.length > 0 || purged.deletedOrphanOutcomes > 0)
      ) {
        logger.info(
          {
            cutoff: purged.cutoff,
            droppedPartitions: purged.droppedPartitions,
            deletedLogins: purged.deletedLogins,
            deletedOrphanOutcomes: purged.deletedOrphanOutcomes,
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

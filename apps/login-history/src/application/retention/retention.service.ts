import type { Kysely } from 'kysely';
import type { DB } from '../../data-access/tables';
import {
  createMonthPartition,
  dropPartition,
  listPartitions,
  purgeBatch,
} from '../../data-access/retention.repository';
import { withMaintenanceLock } from '../../data-access/locks.repository';
import { purgeOrphanOutcomes } from '../../data-access/outcomes.repository';
import { expiredPartitions, partitionsToCover, retentionCutoff } from '../../domain/partitions';

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
  /**
   * Outcomes (SPEC §8) of logins not recorded, whose latest event is older than the cutoff.
   * Those of purged logins go with them and are not counted here.
   */
  deletedOrphanOutcomes: number;
}

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
 * Retention: removes every login older than `retentionDays`, and nothing younger, with the
 * logins' outcomes; and outcomes of no recorded login once their latest event is older. Months wholly
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
    const result: PurgeResult = { cutoff, droppedPartitions: [], deletedLogins: 0, deletedOrphanOutcomes: 0 };
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
    for (;;) {
      if (opts.shouldStop?.()) break;
      const n = await purgeOrphanOutcomes(conn, cutoff, batchSize);
      result.deletedOrphanOutcomes += n;
      if (n < batchSize) break;
    }
    return result;
  });
}

/**
 * Monthly partitions of the login history (UTC months), named `logins_pYYYY_MM`. Retention keeps
 * every login younger than the cutoff: a partition whose whole month is older goes at once,
 * the one the cutoff falls in is trimmed row by row.
 */

export interface MonthPartition {
  name: string;
  from: Date;
  to: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const NAME = /^logins_p(\d{4})_(\d{2})$/;

function monthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

function addMonths(d: Date, months: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
}

export function monthPartition(anyDayInMonth: Date): MonthPartition {
  const from = monthStart(anyDayInMonth);
  const name = `logins_p${from.getUTCFullYear()}_${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
  return { name, from, to: addMonths(from, 1) };
}

/** The partition a name denotes, or null for any other table (the default partition). */
export function parsePartitionName(name: string): MonthPartition | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return monthPartition(new Date(Date.UTC(Number(m[1]), month - 1, 1)));
}

export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** Months that should have a partition: from the cutoff's month to `monthsAhead` after now's. */
export function partitionsToCover(cutoff: Date, now: Date, monthsAhead: number): MonthPartition[] {
  const out: MonthPartition[] = [];
  const last = addMonths(monthStart(now), monthsAhead);
  for (let m = monthStart(cutoff); m.getTime() <= last.getTime(); m = addMonths(m, 1))
    out.push(monthPartition(m));
  return out;
}

/** Partitions whose every possible row is older than the cutoff. */
export function expiredPartitions(names: string[], cutoff: Date): MonthPartition[] {
  return names
    .map(parsePartitionName)
    .filter((p): p is MonthPartition => p !== null && p.to.getTime() <= cutoff.getTime())
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

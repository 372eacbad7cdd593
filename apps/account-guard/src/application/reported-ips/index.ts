import type { LoginReportedData } from '@account-security/shared';
import { pruneIpReports, recordIpReport } from '../../data-access/reported-ip.repository';
import type { AppContext } from '../context';

const DAY_MS = 86_400_000;

export type ReportOutcome = 'recorded' | 'expired' | 'ignored';

/**
 * A login.reported (SPEC §8): "not me" makes its IP count for `reported_ip` (the latest report
 * per IP is kept); "it was me" changes nothing here. Reports older than REPORTED_IP_DAYS no
 * longer count: such a report is not kept, and each new one clears the expired rows (an indexed
 * range delete: reports are rare, so the table stays small without a separate sweep). A report
 * dated in the future (a skewed clock) is kept as of now, so pruning reaches it in its time.
 * Idempotent: a redelivery writes the same row again (a future-dated one: no later than it was).
 */
export async function recordLoginReport(
  ctx: AppContext,
  report: Pick<LoginReportedData, 'accountId' | 'loginEventId' | 'ip' | 'answer' | 'at'>,
): Promise<ReportOutcome> {
  if (report.answer !== 'not_me') return 'ignored';
  const now = ctx.clock().getTime();
  const cutoff = new Date(now - ctx.config.REPORTED_IP_DAYS * DAY_MS);
  const reportedAt = new Date(Math.min(Date.parse(report.at), now));
  if (reportedAt >= cutoff)
    await recordIpReport(ctx.db, {
      ip: report.ip,
      reportedAt,
      accountId: report.accountId,
      loginId: report.loginEventId,
    });
  await pruneIpReports(ctx.db, cutoff);
  return reportedAt >= cutoff ? 'recorded' : 'expired';
}

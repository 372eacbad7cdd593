/**
 * Retention purge, once, from the command line (e.g. a cron job next to, or instead of, the
 * service's hourly run): `tsx apps/login-history/scripts/purge.ts`. Reads DATABASE_URL and
 * HISTORY_RETENTION_DAYS (or their LOGIN_HISTORY_ prefixed forms) like the service.
 */
import { ConfigError, createDb, loadConfig } from '@account-security/shared';
import { SERVICE_NAME, configShape } from '../src/config';
import type { DB } from '../src/data-access/tables';
import { purgeExpiredLogins } from '../src/application/retention/retention.service';

async function main(): Promise<number> {
  const config = loadConfig(
    SERVICE_NAME,
    { DATABASE_URL: configShape.DATABASE_URL, HISTORY_RETENTION_DAYS: configShape.HISTORY_RETENTION_DAYS },
    process.env,
  );
  const db = createDb<DB>(config.DATABASE_URL, { max: 1, applicationName: `${SERVICE_NAME}-purge` });
  try {
    const result = await purgeExpiredLogins(db, { retentionDays: config.HISTORY_RETENTION_DAYS });
    if (!result) {
      process.stderr.write('purge: another maintenance run holds the lock; nothing done\n');
      return 0;
    }
    process.stdout.write(
      JSON.stringify({
        retentionDays: config.HISTORY_RETENTION_DAYS,
        cutoff: result.cutoff.toISOString(),
        droppedPartitions: result.droppedPartitions,
        deletedLogins: result.deletedLogins,
        deletedOrphanOutcomes: result.deletedOrphanOutcomes,
      }) + '\n',
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    const message =
      err instanceof ConfigError
        ? err.message
        : `failed: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`purge: ${message}\n`);
    process.exit(1);
  },
);

import {
  RunningService,
  createDb,
  createTokenVerifier,
  ensureDatabase,
  migrateToLatest,
  pingDb,
  runMain,
  startService,
} from '@account-security/shared';
import { SERVICE_NAME, loadServiceConfig } from './config';
import type { DB } from './data-access/schema';
import {
  LOGIN_GEO_RESOLVED_QUEUE,
  LoginRecordedEvent,
  loginGeoResolvedConsumer,
} from './entry-points/login-geo-resolved.consumer';
import { registerHistoryRoutes } from './entry-points/history.routes';
import { startMaintenance } from './entry-points/maintenance.job';

/** Test seams: ways for a test to interfere with the real dependencies, never replace them. */
export interface Seams {
  /** Runs before each `login.recorded` publish; throwing makes that publish fail (a crash before the confirm). */
  beforePublish?: (event: LoginRecordedEvent) => void | Promise<void>;
}

export async function start(env: NodeJS.ProcessEnv, seams: Seams = {}): Promise<RunningService> {
  const config = loadServiceConfig(env);
  return startService({
    name: SERVICE_NAME,
    config,
    queues: [LOGIN_GEO_RESOLVED_QUEUE],
    setup: async ({ broker, logger }) => {
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
        const maintenance = await startMaintenance({
          db,
          logger,
          retentionDays: config.HISTORY_RETENTION_DAYS,
          intervalMs: config.HISTORY_PURGE_INTERVAL_MS,
        });
        const verify = createTokenVerifier({
          secret: config.AUTH_JWT_SECRET,
          jwksUrl: config.AUTH_JWKS_URL,
          issuer: config.AUTH_ISSUER,
          audience: config.AUTH_AUDIENCE,
        });
        const publish = async (event: LoginRecordedEvent) => {
          await seams.beforePublish?.(event);
          await broker.publish(event);
        };
        return {
          consumers: [
            loginGeoResolvedConsumer(
              { db, logger, publish },
              {
                prefetch: config.PREFETCH,
                batchSize: config.CONSUMER_BATCH_SIZE,
                batchDelayMs: config.CONSUMER_BATCH_DELAY_MS,
              },
            ),
          ],
          routes: (app) => registerHistoryRoutes(app, { db, verify }),
          readiness: [{ name: 'database', check: () => pingDb(db) }],
          info: () => ({ retentionDays: config.HISTORY_RETENTION_DAYS }),
          close: async () => {
            await maintenance.stop();
            await db.destroy();
          },
        };
      } catch (err) {
        await db.destroy();
        throw err;
      }
    },
  });
}

if (require.main === module) runMain(SERVICE_NAME, start);

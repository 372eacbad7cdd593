import { RunningService, tokenVerifierFor, pingDb, runMain, startService } from '@account-security/shared';
import { SERVICE_NAME, loadServiceConfig } from './config';
import { DepsOverrides, createDeps } from './deps';
import {
  LOGIN_GEO_RESOLVED_QUEUE,
  loginGeoResolvedConsumer,
} from './entry-points/login-geo-resolved.consumer';
import {
  LOGIN_FAILED_GEO_RESOLVED_QUEUE,
  loginFailedGeoResolvedConsumer,
} from './entry-points/login-failed-geo-resolved.consumer';
import { LOGIN_ASSESSED_QUEUE, loginAssessedConsumer } from './entry-points/login-assessed.consumer';
import { LOGIN_REPORTED_QUEUE, loginReportedConsumer } from './entry-points/login-reported.consumer';
import { registerHistoryRoutes } from './entry-points/history.http';
import { registerExportRoutes } from './entry-points/export.http';
import { loginHistoryOpenApi } from './entry-points/openapi';
import { startMaintenance } from './entry-points/maintenance.job';

export async function start(env: NodeJS.ProcessEnv, overrides: DepsOverrides = {}): Promise<RunningService> {
  const config = loadServiceConfig(env);
  return startService({
    name: SERVICE_NAME,
    config,
    queues: [
      LOGIN_GEO_RESOLVED_QUEUE,
      LOGIN_FAILED_GEO_RESOLVED_QUEUE,
      LOGIN_ASSESSED_QUEUE,
      LOGIN_REPORTED_QUEUE,
    ],
    setup: async ({ broker, logger }) => {
      const deps = await createDeps(config, { broker, logger }, overrides);
      const { db, publisher, clock } = deps;
      try {
        const maintenance = await startMaintenance({
          db,
          logger,
          clock,
          retentionDays: config.HISTORY_RETENTION_DAYS,
          failureWindowMinutes: config.FAILURE_WINDOW_MINUTES,
          intervalMs: config.HISTORY_PURGE_INTERVAL_MS,
        });
        const verify = tokenVerifierFor(config);
        const batching = {
          prefetch: config.PREFETCH,
          batchSize: config.CONSUMER_BATCH_SIZE,
          batchDelayMs: config.CONSUMER_BATCH_DELAY_MS,
        };
        return {
          consumers: [
            loginGeoResolvedConsumer(
              {
                db,
                logger,
                publisher,
                clock,
                deviceIdKey: config.DEVICE_ID_KEY,
                failureWindowMinutes: config.FAILURE_WINDOW_MINUTES,
              },
              batching,
            ),
            loginFailedGeoResolvedConsumer({ db, logger, clock }, batching),
            loginAssessedConsumer({ db, logger, clock }, batching),
            loginReportedConsumer({ db, logger, clock }, batching),
          ],
          routes: (app) => {
            registerHistoryRoutes(app, { db, verify });
            registerExportRoutes(app, { db, verify });
          },
          openapi: loginHistoryOpenApi,
          readiness: [{ name: 'database', check: () => pingDb(db) }],
          info: () => ({ retentionDays: config.HISTORY_RETENTION_DAYS }),
          close: async () => {
            await maintenance.stop();
            await deps.close();
          },
        };
      } catch (err) {
        await deps.close();
        throw err;
      }
    },
  });
}

if (require.main === module) runMain(SERVICE_NAME, start);

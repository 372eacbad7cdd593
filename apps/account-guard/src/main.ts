import {
  LOGIN_RECORDED,
  LOGIN_REPORTED,
  RunningService,
  serviceQueue,
  tokenVerifierFor,
  ensureDatabase,
  migrateToLatest,
  pingDb,
  redactUrl,
  runMain,
  startService,
} from '@account-security/shared';
import type { AppContext } from './application/context';
import { createAppMetrics } from './application/metrics';
import { OutboxWorker } from './application/outbox/worker';
import { SERVICE_NAME, deploymentName, loadAccountGuardConfig } from './config';
import { Deps, createDeps } from './deps';
import { DOMAIN_STATUSES } from './entry-points/domain-statuses';
import { registerAccountRoutes } from './entry-points/account.http';
import { loginRecordedConsumer } from './entry-points/login-recorded.consumer';
import { loginReportedConsumer } from './entry-points/login-reported.consumer';
import { registerContactRoutes } from './entry-points/contacts.http';
import { registerSupportRoutes } from './entry-points/support.http';
import { registerUnlockRoutes } from './entry-points/unlock.http';
import { FEEDBACK_STATUSES, registerFeedbackRoutes } from './entry-points/feedback.http';
import { accountGuardOpenApi } from './entry-points/openapi';

/**
 * The composition root: config → dependencies (deps.ts; any given in `overrides` replace the
 * configured ones, which is how tests bring their stand-ins) → outbox worker, consumer, routes.
 */
export async function start(
  source: NodeJS.ProcessEnv,
  overrides: Partial<Deps> = {},
): Promise<RunningService> {
  const config = loadAccountGuardConfig(source);
  let worker: OutboxWorker | undefined;
  // SERVICE_INSTANCE: a second deployment (a shadow beside the enforcing one) gets queues of its
  // own; unset, these are LOGIN_RECORDED_QUEUE and LOGIN_REPORTED_QUEUE.
  const name = deploymentName(config);
  const recordedQueue = serviceQueue(name, LOGIN_RECORDED);
  const reportedQueue = serviceQueue(name, LOGIN_REPORTED);

  return startService({
    name,
    config,
    queues: [recordedQueue, reportedQueue],
    setup: async ({ logger, metrics, broker }) => {
      const deps = createDeps(config, { broker, logger }, overrides);
      try {
        if (config.MIGRATE_ON_START) {
          // Creating the database needs rights a production role may lack; migrating then
          // tells whether it exists after all.
          await ensureDatabase(config.DATABASE_URL).catch((err: Error) =>
            logger.warn(
              { err: err.message, database: redactUrl(config.DATABASE_URL) },
              'could not check or create the database',
            ),
          );
          await migrateToLatest(deps.db, SERVICE_NAME, logger);
        }
      } catch (err) {
        await deps.close();
        throw err;
      }

      const ctx: AppContext = {
        config,
        db: deps.db,
        publisher: deps.publisher,
        clock: deps.clock,
        logger,
        metrics: createAppMetrics(metrics.registry, deps.db),
        mailer: deps.mailer,
        sms: deps.sms,
        channelsEnabled: { email: deps.mailer !== null, sms: deps.sms !== null, in_game: true },
        wakeWorker: () => worker?.wake(),
      };
      worker = new OutboxWorker(ctx, {
        intervalMs: config.NOTIFY_RETRY_MS,
        maxDelayMs: config.NOTIFY_RETRY_MAX_MS,
        maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
        batchSize: config.NOTIFY_BATCH_SIZE,
        // Longer than the slowest delivery attempt (connect, greeting and each reply of SMTP are
        // bounded by SMTP_TIMEOUT_MS; Twilio by TWILIO_TIMEOUT_MS plus its short 429 retries), so a
        // row is never sent by two replicas; short enough that a crashed replica's claims are
        // picked up again within a minute.
        leaseMs: Math.max(20_000, 3 * Math.max(config.SMTP_TIMEOUT_MS, config.TWILIO_TIMEOUT_MS)),
        maxPerHour: config.NOTIFY_MAX_PER_HOUR,
        smsMaxPerHourPerNumber: config.SMS_MAX_PER_HOUR_PER_NUMBER,
      });
      worker.start();

      const verify = tokenVerifierFor(config);

      return {
        consumers: [
          { ...loginRecordedConsumer(ctx), queue: recordedQueue },
          { ...loginReportedConsumer(ctx), queue: reportedQueue },
        ],
        routes: (app) => {
          registerAccountRoutes(app, ctx, verify);
          registerUnlockRoutes(app, ctx);
          registerFeedbackRoutes(app, ctx, verify);
          registerContactRoutes(app, ctx);
          registerSupportRoutes(app, ctx, verify);
        },
        domainStatuses: { ...DOMAIN_STATUSES, ...FEEDBACK_STATUSES },
        openapi: accountGuardOpenApi,
        readiness: [{ name: 'database', check: () => pingDb(deps.db) }],
        info: () => ({ channels: ctx.channelsEnabled, enforcement: config.ENFORCEMENT }),
        // The worker publishes through the broker: it stops before the broker closes.
        beforeStop: async () => {
          await worker?.stop();
        },
        close: async () => {
          await worker?.stop();
          await deps.close();
        },
      };
    },
  });
}

if (require.main === module) runMain(SERVICE_NAME, (env) => start(env));

import {
  RunningService,
  createDb,
  createTokenVerifier,
  ensureDatabase,
  migrateToLatest,
  pingDb,
  redactUrl,
  runMain,
  startService,
} from '@account-security/shared';
import type { TwilioHttpClient } from './adapters/twilio-sms';
import type { AppContext } from './application/context';
import { createAppMetrics } from './application/metrics';
import { OutboxWorker } from './application/outbox-worker';
import { SERVICE_NAME, loadAccountGuardConfig } from './config';
import type { DB } from './data-access/schema';
import { LOGIN_RECORDED_QUEUE, loginRecordedConsumer } from './entry-points/consumers/login-recorded';
import { registerRoutes } from './entry-points/http/routes';
import type { MailPort, SmsPort } from './ports/notifications';

/** Replaceable third-party clients (tests); by default built from the configuration. */
export interface AccountGuardDeps {
  /** HTTP layer of the twilio client, e.g. one that talks to a stand-in server. */
  twilioHttpClient?: TwilioHttpClient;
  mailer?: MailPort;
  sms?: SmsPort;
}

/** The composition root: config → database, channels, outbox worker → consumer and routes. */
export async function start(source: NodeJS.ProcessEnv, deps: AccountGuardDeps = {}): Promise<RunningService> {
  const config = loadAccountGuardConfig(source);
  let worker: OutboxWorker | undefined;

  const svc = await startService({
    name: SERVICE_NAME,
    config,
    queues: [LOGIN_RECORDED_QUEUE],
    setup: async ({ logger, metrics, broker }) => {
      const db = createDb<DB>(config.DATABASE_URL, {
        max: config.DATABASE_POOL_SIZE,
        applicationName: SERVICE_NAME,
      });
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
          await migrateToLatest(db, SERVICE_NAME, logger);
        }
      } catch (err) {
        await db.destroy();
        throw err;
      }

      const mailer =
        deps.mailer ??
        // Each client library is loaded only when its channel is configured: twilio and nodemailer
        // weigh some 40 MB of memory between them. require(), not import(): the services run
        // through a require hook (packages/shared/register.cjs), which import() would bypass.
        (config.SMTP_URL && config.MAIL_FROM
          ? // eslint-disable-next-line @typescript-eslint/no-require-imports
            (require('./adapters/smtp-mailer') as typeof import('./adapters/smtp-mailer')).createSmtpMailer({
              url: config.SMTP_URL,
              from: config.MAIL_FROM,
              timeoutMs: config.SMTP_TIMEOUT_MS,
            })
          : null);
      if (!mailer)
        logger.warn(
          'email channel disabled: SMTP_URL and MAIL_FROM are not set; email notifications are skipped',
        );
      const sms =
        deps.sms ??
        (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM
          ? // eslint-disable-next-line @typescript-eslint/no-require-imports
            (require('./adapters/twilio-sms') as typeof import('./adapters/twilio-sms')).createTwilioSms({
              accountSid: config.TWILIO_ACCOUNT_SID,
              authToken: config.TWILIO_AUTH_TOKEN,
              from: config.TWILIO_FROM,
              timeoutMs: config.TWILIO_TIMEOUT_MS,
              httpClient: deps.twilioHttpClient,
            })
          : null);
      if (!sms)
        logger.warn(
          'SMS channel disabled: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set; SMS notifications are skipped',
        );

      const ctx: AppContext = {
        config,
        db,
        broker,
        logger,
        metrics: createAppMetrics(metrics.registry, db),
        mailer,
        sms,
        channelsEnabled: { email: mailer !== null, sms: sms !== null, in_game: true },
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
      });
      worker.start();

      const verify = createTokenVerifier({
        secret: config.AUTH_JWT_SECRET,
        jwksUrl: config.AUTH_JWKS_URL,
        issuer: config.AUTH_ISSUER,
        audience: config.AUTH_AUDIENCE,
      });

      return {
        consumers: [loginRecordedConsumer(ctx)],
        routes: (app) => registerRoutes(app, ctx, verify),
        readiness: [{ name: 'database', check: () => pingDb(db) }],
        info: () => ({ channels: ctx.channelsEnabled }),
        // The worker publishes through the broker: it stops before the broker closes.
        beforeStop: async () => {
          await worker?.stop();
        },
        close: async () => {
          await worker?.stop();
          await mailer?.close();
          await sms?.close();
          await db.destroy();
        },
      };
    },
  });

  return svc;
}

if (require.main === module) runMain(SERVICE_NAME, (env) => start(env));

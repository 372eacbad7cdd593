import { Broker, Logger, createDb } from '@account-security/shared';
import type { AppConfig } from './config';
import { SERVICE_NAME } from './config';
import type { Db, DB } from './data-access/db';
import type { MailPort, SmsPort } from './ports/notifications';

/** What the service publishes through: the broker, on confirm. */
export type Publisher = Pick<Broker, 'publish'>;
export type Clock = () => Date;

/** Everything the service talks to, and its clock. */
export interface Deps {
  db: Db;
  publisher: Publisher;
  /** Null: the channel is not configured, its notifications are skipped. */
  mailer: MailPort | null;
  sms: SmsPort | null;
  clock: Clock;
}

/**
 * The dependencies the configuration calls for; each one given in `overrides` (a test's
 * stand-in) is used instead and left for its owner to close.
 */
export function createDeps(
  config: AppConfig,
  runtime: { broker: Broker; logger: Logger },
  overrides: Partial<Deps> = {},
): Deps & { close(): Promise<void> } {
  const { logger } = runtime;
  const db =
    overrides.db ??
    createDb<DB>(config.DATABASE_URL, { max: config.DATABASE_POOL_SIZE, applicationName: SERVICE_NAME });
  const mailer = overrides.mailer !== undefined ? overrides.mailer : smtpMailer(config);
  if (!mailer)
    logger.warn(
      'email channel disabled: SMTP_URL and MAIL_FROM are not set; email notifications are skipped',
    );
  const sms = overrides.sms !== undefined ? overrides.sms : twilioSms(config);
  if (!sms)
    logger.warn(
      'SMS channel disabled: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set; SMS notifications are skipped',
    );
  return {
    db,
    publisher: overrides.publisher ?? runtime.broker,
    mailer,
    sms,
    clock: overrides.clock ?? (() => new Date()),
    async close() {
      if (overrides.mailer === undefined) await mailer?.close();
      if (overrides.sms === undefined) await sms?.close();
      if (!overrides.db) await db.destroy();
    },
  };
}

// Each client library is loaded only when its channel is configured: twilio and nodemailer weigh
// some 40 MB of memory between them. require(), not import(): the services run through a require
// hook (packages/shared/register.cjs), which import() would bypass.

function smtpMailer(config: AppConfig): MailPort | null {
  if (!config.SMTP_URL || !config.MAIL_FROM) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createSmtpMailer } = require('./adapters/smtp-mailer') as typeof import('./adapters/smtp-mailer');
  return createSmtpMailer({
    url: config.SMTP_URL,
    from: config.MAIL_FROM,
    timeoutMs: config.SMTP_TIMEOUT_MS,
  });
}

function twilioSms(config: AppConfig): SmsPort | null {
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.TWILIO_FROM) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createTwilioSms } = require('./adapters/twilio-sms') as typeof import('./adapters/twilio-sms');
  return createTwilioSms({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    from: config.TWILIO_FROM,
    timeoutMs: config.TWILIO_TIMEOUT_MS,
    apiUrl: config.TWILIO_API_URL,
  });
}

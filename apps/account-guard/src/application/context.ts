import type { Broker, Logger } from '@account-security/shared';
import type { AppConfig } from '../config';
import type { Db } from '../data-access/schema';
import type { Channel } from '../domain/types';
import type { MailPort, SmsPort } from '../ports/notifications';
import type { AppMetrics } from './metrics';

/** CloudEvents `source` of everything this service publishes. */
export const SOURCE = 'account-guard';

/** What the use cases need, built once in main.ts. */
export interface AppContext {
  config: AppConfig;
  db: Db;
  broker: Pick<Broker, 'publish'>;
  logger: Logger;
  metrics: AppMetrics;
  mailer: MailPort | null;
  sms: SmsPort | null;
  channelsEnabled: Record<Channel, boolean>;
  /** Tells the outbox worker there is something to deliver now rather than at its next poll. */
  wakeWorker: () => void;
}

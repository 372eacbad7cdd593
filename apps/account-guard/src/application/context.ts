import type { Logger } from '@account-security/shared';
import type { AppConfig } from '../config';
import type { Db } from '../data-access/db';
import type { Channel } from '../domain/types';
import type { Clock, Publisher } from '../deps';
import type { MailPort, SmsPort } from '../ports/notifications';
import type { AppMetrics } from './metrics';

/** What the use cases need, built once in main.ts from the dependencies of deps.ts. */
export interface AppContext {
  config: AppConfig;
  db: Db;
  publisher: Publisher;
  /** The one source of the time the service writes (locks, completions, unlocks). */
  clock: Clock;
  logger: Logger;
  metrics: AppMetrics;
  mailer: MailPort | null;
  sms: SmsPort | null;
  channelsEnabled: Record<Channel, boolean>;
  /** Tells the outbox worker there is something to deliver now rather than at its next poll. */
  wakeWorker: () => void;
}

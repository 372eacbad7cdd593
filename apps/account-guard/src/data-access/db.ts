import type { Kysely, Transaction } from 'kysely';
import type { AccountLockTable } from './tables/account-lock.table';
import type { AuditLogTable } from './tables/audit-log.table';
import type { ContactTokenTable } from './tables/contact-token.table';
import type { EventOutboxTable } from './tables/event-outbox.table';
import type { LoginActionTable } from './tables/login-action.table';
import type { LoginDecisionTable } from './tables/login-decision.table';
import type {
  FeedbackTokenTable,
  KnownDeviceTable,
  KnownNetworkTable,
  LoginFeedbackTable,
  ReportedIpTable,
} from './tables/player-answers.table';
import type { ProtectionSettingsTable } from './tables/protection-settings.table';
import type { UnlockTokenTable } from './tables/unlock-token.table';

export interface DB {
  protection_settings: ProtectionSettingsTable;
  account_lock: AccountLockTable;
  login_decision: LoginDecisionTable;
  login_action: LoginActionTable;
  unlock_token: UnlockTokenTable;
  contact_token: ContactTokenTable;
  event_outbox: EventOutboxTable;
  audit_log: AuditLogTable;
  known_device: KnownDeviceTable;
  known_network: KnownNetworkTable;
  reported_ip: ReportedIpTable;
  login_feedback: LoginFeedbackTable;
  feedback_token: FeedbackTokenTable;
}

export type Db = Kysely<DB>;
/** A repository function that runs on the pool or inside the caller's transaction alike. */
export type Executor = Kysely<DB> | Transaction<DB>;
/** For what only means something inside a transaction (advisory locks, FOR UPDATE). */
export type Trx = Transaction<DB>;

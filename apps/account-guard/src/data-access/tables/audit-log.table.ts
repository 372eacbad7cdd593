import type { Generated, Insertable } from 'kysely';
import type { AuditAction } from '../../domain/audit';
import type { JsonColumn, Timestamp } from './columns';

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  account_id: string;
  action: AuditAction;
  /** `system`, `player` or `support:<staffId>` (the domain's Actor). */
  actor: string;
  reason: string | null;
  login_id: string | null;
  details: JsonColumn<Record<string, unknown>>;
}

export type NewAuditRow = Insertable<AuditLogTable>;

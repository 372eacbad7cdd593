import { countPendingActions } from '../data-access/action.repository';
import type { Db } from '../data-access/db';
import { Counter, Gauge, Registry } from 'prom-client';

/** This service's own metrics, next to the runtime's per-queue ones on /metrics. */
export function createAppMetrics(registry: Registry, db: Db) {
  return {
    assessments: new Counter({
      name: 'account_guard_assessments_total',
      help: 'Logins assessed, by verdict and policy',
      labelNames: ['verdict', 'policy'] as const,
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'account_guard_notifications_total',
      help: 'Notification outcomes by channel: sent, skipped, retried, failed',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    shadowActions: new Counter({
      name: 'account_guard_shadow_actions_total',
      help: 'Actions only recorded under ENFORCEMENT=shadow (SPEC §10), by type and channel (none for kick, block, lock)',
      labelNames: ['type', 'channel'] as const,
      registers: [registry],
    }),
    capped: new Counter({
      name: 'account_guard_notices_capped_total',
      help: 'Notices skipped by an hourly cap, by channel and cap (account, number)',
      labelNames: ['channel', 'cap'] as const,
      registers: [registry],
    }),
    stepUpRefusals: new Counter({
      name: 'account_guard_step_up_refusals_total',
      help: 'Protection changes refused because the player token was too old to lower protection',
      registers: [registry],
    }),
    contactsVerified: new Counter({
      name: 'account_guard_contacts_verified_total',
      help: 'Replacement contacts verified through their link, by contact (email, phone)',
      labelNames: ['contact'] as const,
      registers: [registry],
    }),
    unlocks: new Counter({
      name: 'account_guard_unlocks_total',
      help: 'Accounts unlocked, by who unlocked them (support or player)',
      labelNames: ['by'] as const,
      registers: [registry],
    }),
    feedbackAnswers: new Counter({
      name: 'account_guard_feedback_answers_total',
      help: 'Answers to "was this you?" (SPEC §8), by answer (me, not_me), route (link, api) and outcome (recorded, repeated)',
      labelNames: ['answer', 'route', 'outcome'] as const,
      registers: [registry],
    }),
    pending: new Gauge({
      name: 'account_guard_pending_actions',
      help: 'Actions (notifications and commands) waiting to be carried out',
      registers: [registry],
      async collect() {
        // With the database down the last known value stays: /metrics must keep answering then.
        try {
          this.set(await countPendingActions(db));
        } catch {
          /* keep the previous value */
        }
      },
    }),
  };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;

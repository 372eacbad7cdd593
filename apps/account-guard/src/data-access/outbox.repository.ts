import type { EventOf, MessageType } from '@account-security/shared';
import { sql } from 'kysely';
import type { Executor } from './db';
import type { OutboxRow } from './tables/event-outbox.table';

export interface OutboxEvent {
  id: string;
  event: EventOf<MessageType>;
  attempts: number;
}

/** Idempotent: the event id is deterministic, so a second insert of the same event is a no-op. */
export async function insertOutboxEvent(trx: Executor, event: EventOf<MessageType>): Promise<void> {
  await trx
    .insertInto('event_outbox')
    .values({ id: event.id, type: event.type, event: JSON.stringify(event) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Same claim-by-lease scheme as `claimDueActions`. */
export async function claimDueOutbox(db: Executor, limit: number, leaseMs: number): Promise<OutboxEvent[]> {
  const r = await sql<OutboxRow>`
    update event_outbox
       set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond', attempts = attempts + 1
     where id in (
       select id from event_outbox
        where published_at is null and next_attempt_at <= now()
        order by next_attempt_at
        limit ${limit}
        for update skip locked)
    returning *`.execute(db);
  // Written by insertOutboxEvent only, from a built event.
  return r.rows.map((row) => ({
    id: row.id,
    event: row.event as EventOf<MessageType>,
    attempts: row.attempts,
  }));
}

export async function markOutboxPublished(db: Executor, id: string, now: Date): Promise<void> {
  await db
    .updateTable('event_outbox')
    .set({ published_at: now, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function rescheduleOutbox(
  db: Executor,
  id: string,
  delayMs: number,
  error: string,
): Promise<void> {
  await db
    .updateTable('event_outbox')
    .set({
      next_attempt_at: sql`now() + ${delayMs} * interval '1 millisecond'`,
      last_error: error.slice(0, 1000),
    })
    .where('id', '=', id)
    .execute();
}

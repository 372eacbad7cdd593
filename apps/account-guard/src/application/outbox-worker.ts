import { followUpId, type EventOf, type MessageType } from '@account-security/shared';
import {
  claimDueActions,
  completeAction,
  findAction,
  rescheduleAction,
} from '../data-access/action-repository';
import { lockDecision } from '../data-access/decision-repository';
import { appendAudit } from '../data-access/audit-repository';
import { claimDueOutbox, markOutboxPublished, rescheduleOutbox } from '../data-access/outbox-repository';
import type { ActionRow, OutboxRow } from '../data-access/schema';
import { insertTokenForActiveLock } from '../data-access/unlock-token-repository';
import { retryDelayMs } from '../domain/retry';
import { NoticeFacts, renderEmail, renderSms } from '../domain/templates';
import { hashUnlockToken, newUnlockToken, unlockUrl } from '../domain/unlock-token';
import { DeliveryError, Delivered } from '../ports/notifications';
import { carryOutCommand } from './commands';
import type { AppContext } from './context';
import { CommandPayload, DeliveryPayload, commandOf, isDelivery } from './payloads';

export interface OutboxWorkerOptions {
  /** Poll interval, and the first retry delay. */
  intervalMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  batchSize: number;
  /**
   * How long a claimed row is left alone by every poller (this one included). It must outlast
   * the slowest delivery attempt, or a second replica would send the same message again.
   */
  leaseMs: number;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/**
 * The in-service retry loop: delivers pending email/SMS notifications (first attempt and
 * retries with growing delay), takes over broker commands a consumer left unfinished, and
 * publishes events written to the outbox by HTTP requests (account.unlocked). Several replicas
 * can run it at once: rows are claimed with FOR UPDATE SKIP LOCKED and a lease.
 */
export class OutboxWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private woken = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: OutboxWorkerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Run a round now instead of at the next poll (something was just queued). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Finishes the round in progress, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let busy = false;
      try {
        busy = await this.runOnce();
        failures = 0;
      } catch (err) {
        // The database is unreachable: poll less often until it is back.
        failures++;
        this.ctx.logger.warn({ err: errorText(err), failures }, 'outbox round failed; trying again later');
      }
      if (!this.running || busy) continue;
      await this.sleep(
        failures ? retryDelayMs(failures, this.opts.intervalMs, this.opts.maxDelayMs) : this.opts.intervalMs,
      );
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** One round; true when a batch was full, so there may be more waiting right away. */
  async runOnce(): Promise<boolean> {
    const { db } = this.ctx;
    const actions = await claimDueActions(db, this.opts.batchSize, this.opts.leaseMs);
    await Promise.all(actions.map((row) => this.carryOut(row)));
    const events = await claimDueOutbox(db, this.opts.batchSize, this.opts.leaseMs);
    await Promise.all(events.map((row) => this.publish(row)));
    return actions.length === this.opts.batchSize || events.length === this.opts.batchSize;
  }

  private async carryOut(row: ActionRow): Promise<void> {
    try {
      if (isDelivery(row)) return await this.deliver(row);
      const command = commandOf(row);
      if (command) return await this.takeOver(row, command);
      await completeAction(this.ctx.db, row.id, 'failed', 'nothing to carry out');
    } catch (err) {
      // Broker or database trouble: the lease runs out and a later round tries again.
      this.ctx.logger.warn({ err: errorText(err), actionId: row.id }, 'action not carried out; will retry');
    }
  }

  /**
   * A broker command still pending after its grace period: the consumer that decided it died,
   * or its message was dead-lettered. Taken over only if no consumer holds the login right now.
   */
  private async takeOver(row: ActionRow, command: CommandPayload): Promise<void> {
    const taken = await this.ctx.db.transaction().execute(async (trx) => {
      if (!(await lockDecision(trx, row.login_id, { skipLocked: true }))) return false;
      const fresh = await findAction(trx, row.id);
      if (fresh?.status !== 'pending') return true;
      this.ctx.logger.warn(
        { actionId: row.id, type: row.type, loginId: row.login_id },
        'carrying out a command its consumer left unfinished',
      );
      await carryOutCommand(this.ctx, trx, fresh, command);
      return true;
    });
    if (!taken)
      await rescheduleAction(this.ctx.db, row.id, this.opts.intervalMs, 'a consumer holds this login');
  }

  private async deliver(row: ActionRow): Promise<void> {
    const { ctx } = this;
    const channel = row.channel as 'email' | 'sms';
    const payload = row.payload as DeliveryPayload;
    const port = channel === 'email' ? ctx.mailer : ctx.sms;
    if (!port) {
      // Planned while the channel was configured; this instance runs without it.
      await this.finish(row, 'skipped', 'channel_disabled', 'notification_skipped', { channel });
      return;
    }

    const notice = await this.withUnlockLink(row, payload);
    let delivered: Delivered;
    try {
      delivered =
        channel === 'email'
          ? await ctx.mailer!.send({
              to: payload.to,
              ...renderEmail(notice, payload.locale),
              messageId: `<${followUpId(row.login_id, 'notification', channel)}@account-guard>`,
            })
          : await ctx.sms!.send({ to: payload.to, body: renderSms(notice, payload.locale) });
    } catch (err) {
      await this.failed(row, err);
      return;
    }
    // The one window exactly-once cannot close: the provider has accepted the message, and until
    // the update below commits the row still says 'pending'. A crash (or a lost database
    // connection) right here means the lease runs out and the message is sent a second time.
    // SMTP and Twilio's Messages API take no idempotency key that would let us close it; the
    // stable Message-ID at least lets mail clients fold the duplicate email.
    await this.finish(row, 'sent', delivered.providerId ?? null, 'notification_sent', {
      channel,
      kind: notice.kind,
      unlockLink: notice.unlock !== null,
      attempts: row.attempts,
    });
  }

  /**
   * A lock notice gets a fresh one-time token at each delivery attempt: only its hash is stored,
   * so the raw token exists just in the message. Tokens from failed attempts simply expire.
   */
  private async withUnlockLink(row: ActionRow, payload: DeliveryPayload): Promise<NoticeFacts> {
    const notice = payload.notice;
    if (notice.kind !== 'lock' || !payload.lockId) return notice;
    const token = newUnlockToken();
    const stored = await insertTokenForActiveLock(this.ctx.db, {
      tokenHash: hashUnlockToken(token),
      lockId: payload.lockId,
      accountId: row.account_id,
      actionId: row.id,
      ttlMinutes: this.ctx.config.UNLOCK_TOKEN_TTL_MINUTES,
    });
    if (!stored) return { ...notice, lockEnded: true };
    return {
      ...notice,
      unlock: {
        url: unlockUrl(this.ctx.config.PUBLIC_URL, token),
        expiresAt: stored.expires_at.toISOString(),
      },
    };
  }

  private async failed(row: ActionRow, err: unknown): Promise<void> {
    const { ctx, opts } = this;
    const channel = row.channel ?? 'unknown';
    const permanent = err instanceof DeliveryError && err.permanent;
    if (permanent || row.attempts >= opts.maxAttempts) {
      ctx.logger.error(
        { err: errorText(err), actionId: row.id, channel, attempts: row.attempts },
        'notification failed for good',
      );
      await this.finish(row, 'failed', errorText(err), 'notification_failed', {
        channel,
        attempts: row.attempts,
        permanent,
      });
      return;
    }
    const delay = retryDelayMs(row.attempts, opts.intervalMs, opts.maxDelayMs);
    ctx.logger.warn(
      { err: errorText(err), actionId: row.id, channel, attempt: row.attempts, retryInMs: delay },
      'notification not delivered; retrying',
    );
    ctx.metrics.notifications.inc({ channel, outcome: 'retried' });
    await rescheduleAction(ctx.db, row.id, delay, errorText(err));
  }

  private async finish(
    row: ActionRow,
    status: 'sent' | 'skipped' | 'failed',
    detail: string | null,
    audit: 'notification_sent' | 'notification_skipped' | 'notification_failed',
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      const done = await completeAction(trx, row.id, status, detail);
      if (!done) return;
      await appendAudit(trx, {
        accountId: row.account_id,
        action: audit,
        actor: 'system',
        reason: status === 'sent' ? null : detail,
        loginId: row.login_id,
        details,
      });
    });
    this.ctx.metrics.notifications.inc({ channel: row.channel ?? 'unknown', outcome: status });
  }

  private async publish(row: OutboxRow): Promise<void> {
    try {
      await this.ctx.broker.publish(row.event as EventOf<MessageType>);
      await markOutboxPublished(this.ctx.db, row.id);
    } catch (err) {
      const delay = retryDelayMs(row.attempts, this.opts.intervalMs, this.opts.maxDelayMs);
      this.ctx.logger.warn(
        { err: errorText(err), eventId: row.id, retryInMs: delay },
        'outbox event not published; retrying',
      );
      await rescheduleOutbox(this.ctx.db, row.id, delay, errorText(err)).catch(() => undefined);
    }
  }
}

import {
  claimDueActions,
  completeAction,
  findAction,
  rescheduleAction,
  reserveNotice,
} from '../../data-access/action.repository';
import { appendAudit } from '../../data-access/audit.repository';
import { lockDecision } from '../../data-access/decision.repository';
import {
  OutboxEvent,
  claimDueOutbox,
  markOutboxPublished,
  rescheduleOutbox,
} from '../../data-access/outbox.repository';
import type { Action, Delivery } from '../../domain/actions';
import { deliveryEntry } from '../../domain/audit';
import { retryDelayMs } from '../../domain/retry';
import { DeliveryError, Delivered } from '../../ports/notifications';
import type { AppContext } from '../context';
import { publishCommands, recordConfirmed } from '../publish-commands';
import { sendNotification, withOneTimeLink } from './notification';

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
  /** Email or SMS notices per account and channel per hour (lock notices exempt). */
  maxPerHour: number;
  /** SMS per destination number per hour, over all accounts (lock notices exempt). */
  smsMaxPerHourPerNumber: number;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/**
 * The in-service retry loop: delivers pending email/SMS notifications (first attempt and
 * retries with growing delay), takes over broker commands a consumer left unfinished, and
 * publishes events written to the outbox by HTTP requests (account.unlocked). Several replicas
 * can run it at once: rows are claimed with FOR UPDATE SKIP LOCKED and a lease. Only `pending`
 * rows are claimed: an action recorded in shadow (SPEC §10, status `shadow`, no event and no
 * delivery) is never picked up, whatever ENFORCEMENT the worker's own deployment runs with.
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
  private async runOnce(): Promise<boolean> {
    const { db } = this.ctx;
    const actions = await claimDueActions(db, this.opts.batchSize, this.opts.leaseMs);
    await Promise.all(actions.map((a) => this.carryOut(a)));
    const events = await claimDueOutbox(db, this.opts.batchSize, this.opts.leaseMs);
    await Promise.all(events.map((e) => this.publish(e)));
    return actions.length === this.opts.batchSize || events.length === this.opts.batchSize;
  }

  private async carryOut(action: Action): Promise<void> {
    try {
      if (action.delivery) return await this.deliver(action, action.delivery);
      if (action.command) return await this.takeOver(action);
      // A notice without a recipient fails audited and counted like any other notice; a command
      // without its event has nothing to publish.
      if (action.channel === 'email' || action.channel === 'sms')
        return await this.finish(action, 'failed', 'nothing to carry out', { channel: action.channel });
      await completeAction(this.ctx.db, action.id, 'failed', this.ctx.clock(), 'nothing to carry out');
    } catch (err) {
      // Broker or database trouble: the lease runs out and a later round tries again.
      this.ctx.logger.warn(
        { err: errorText(err), actionId: action.id },
        'action not carried out; will retry',
      );
    }
  }

  /**
   * A broker command still pending after its grace period: the consumer that decided it died,
   * or its message was dead-lettered. Taken over only if no consumer holds the login right now.
   */
  private async takeOver(action: Action): Promise<void> {
    const { ctx } = this;
    const taken = await ctx.db.transaction().execute(async (trx) => {
      // A notice that follows no login (a settings change's in-game notice) has no consumer that
      // could be carrying it out: the claim's lease alone keeps other replicas away.
      if (action.origin === 'login' && !(await lockDecision(trx, action.loginId, { skipLocked: true })))
        return false;
      const fresh = await findAction(trx, action.id);
      if (fresh?.status !== 'pending') return true;
      ctx.logger.warn(
        { actionId: action.id, type: action.type, loginId: action.loginId },
        'carrying out a command its consumer left unfinished',
      );
      const published = await publishCommands(ctx.publisher, [fresh]);
      if (published.error) throw published.error;
      await recordConfirmed(trx, published.confirmed, ctx.clock());
      return true;
    });
    if (!taken)
      await rescheduleAction(ctx.db, action.id, this.opts.intervalMs, 'a consumer holds this login');
  }

  private async deliver(action: Action, delivery: Delivery): Promise<void> {
    const { ctx } = this;
    const channel = action.channel === 'email' ? 'email' : 'sms';
    if (!(channel === 'email' ? ctx.mailer : ctx.sms)) {
      // Planned while the channel was configured; this instance runs without it.
      await this.finish(action, 'skipped', 'channel_disabled', { channel });
      return;
    }

    // Counted against the caps once, before the first send; a capped notice is recorded, never
    // silently dropped. Lock notices always go out: they carry the way back into the account.
    if (!action.reserved) {
      const capped = await reserveNotice(
        ctx.db,
        { id: action.id, accountId: action.accountId, channel, to: delivery.to },
        {
          perAccount: this.opts.maxPerHour,
          perNumber: this.opts.smsMaxPerHourPerNumber,
          exempt: delivery.notice.kind === 'lock',
        },
      );
      if (capped) {
        ctx.logger.warn({ actionId: action.id, channel, cap: capped }, 'notice skipped: hourly cap reached');
        ctx.metrics.capped.inc({ channel, cap: capped === 'notice_cap_account' ? 'account' : 'number' });
        await this.finish(action, 'skipped', capped, { channel, kind: delivery.notice.kind });
        return;
      }
    }

    const notice = await withOneTimeLink(ctx, action, delivery);
    if (!notice) {
      await this.finish(action, 'skipped', 'contact_superseded', { channel, kind: delivery.notice.kind });
      return;
    }
    let delivered: Delivered;
    try {
      delivered = await sendNotification(ctx, action, delivery, notice);
    } catch (err) {
      await this.failed(action, err);
      return;
    }
    // The one window exactly-once cannot close: the provider has accepted the message, and until
    // the update below commits the row still says 'pending'. A crash (or a lost database
    // connection) right here means the lease runs out and the message is sent a second time.
    // SMTP and Twilio's Messages API take no idempotency key that would let us close it; the
    // stable Message-ID at least lets mail clients fold the duplicate email.
    await this.finish(action, 'sent', delivered.providerId ?? null, {
      channel,
      kind: notice.kind,
      ...(notice.kind === 'verify_contact'
        ? {}
        : notice.kind === 'settings_changed'
          ? { changes: notice.changes.map((c) => c.field) }
          : { unlockLink: notice.unlock !== null }),
      attempts: action.attempts,
    });
  }

  private async failed(action: Action, err: unknown): Promise<void> {
    const { ctx, opts } = this;
    const channel = action.channel ?? 'unknown';
    const permanent = err instanceof DeliveryError && err.permanent;
    if (permanent || action.attempts >= opts.maxAttempts) {
      ctx.logger.error(
        { err: errorText(err), actionId: action.id, channel, attempts: action.attempts },
        'notification failed for good',
      );
      await this.finish(action, 'failed', errorText(err), { channel, attempts: action.attempts, permanent });
      return;
    }
    const delay = retryDelayMs(action.attempts, opts.intervalMs, opts.maxDelayMs);
    ctx.logger.warn(
      { err: errorText(err), actionId: action.id, channel, attempt: action.attempts, retryInMs: delay },
      'notification not delivered; retrying',
    );
    ctx.metrics.notifications.inc({ channel, outcome: 'retried' });
    await rescheduleAction(ctx.db, action.id, delay, errorText(err));
  }

  private async finish(
    action: Action,
    outcome: 'sent' | 'skipped' | 'failed',
    detail: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    const { ctx } = this;
    await ctx.db.transaction().execute(async (trx) => {
      const done = await completeAction(trx, action.id, outcome, ctx.clock(), detail);
      if (done) await appendAudit(trx, deliveryEntry(action, outcome, detail, details));
    });
    ctx.metrics.notifications.inc({ channel: action.channel ?? 'unknown', outcome });
  }

  private async publish(outbox: OutboxEvent): Promise<void> {
    const { ctx, opts } = this;
    try {
      await ctx.publisher.publish(outbox.event);
      await markOutboxPublished(ctx.db, outbox.id, ctx.clock());
    } catch (err) {
      const delay = retryDelayMs(outbox.attempts, opts.intervalMs, opts.maxDelayMs);
      ctx.logger.warn(
        { err: errorText(err), eventId: outbox.id, retryInMs: delay },
        'outbox event not published; retrying',
      );
      await rescheduleOutbox(ctx.db, outbox.id, delay, errorText(err)).catch(() => undefined);
    }
  }
}

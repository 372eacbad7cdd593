import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { AckWindow } from '../acks';
import { PermanentError } from '../errors';
import type { BrokerInternals } from '../internals';
import { deadLetterQueueName, retryQueueName } from '../topology';
import { originalUserHeader } from '../trust';
import { ATTEMPT_HEADER, ERROR_HEADER, REASON_HEADER, attemptOf } from './parse';

/** One message as it arrived: its tag means something only on `channel`, through `acks`. */
export interface Delivery {
  msg: ConsumeMessage;
  channel: Channel;
  acks: AckWindow;
  started: number;
}

export interface SettlerOptions {
  queue: string;
  log: Logger;
  metrics?: Metrics;
  retryDelaysMs: number[];
  /** `<service>.retry`: the copies go through the service's own exchange. */
  exchange: string;
  /** The connection's broker user: a copy's `user_id`, so the original publisher goes in a header. */
  userId: string;
  publishRaw: BrokerInternals['publishRaw'];
  /**
   * The copy to the retry/dead-letter queue was never confirmed: the delivery must go back to the
   * broker unacked (by closing its channel), or it would sit unsettled holding a prefetch slot.
   */
  giveBack: (d: Delivery, why: string) => void;
  /** Tries of the copy (each one retried inside the publish timeout) before giving the message back. */
  copyAttempts?: number;
  /** Pause after a copy that was not confirmed, so a broker refusing publishes is not hammered. */
  copyPauseMs?: number;
}

interface Move {
  target: string;
  headers: Record<string, unknown>;
  /** Metrics and logs once the copy is confirmed and the original acked. */
  moved: () => void;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1000);
}

/** Headers the broker adds on dead-lettering; they must not pile up on every retry. */
function stripBrokerHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!headers) return {};
  const {
    'x-death': _d,
    'x-first-death-exchange': _e,
    'x-first-death-queue': _q,
    'x-first-death-reason': _r,
    'x-delivery-count': _c,
    ...rest
  } = headers;
  return rest;
}

/**
 * Settles every delivery exactly once, on the channel it arrived on: ack after success; bad input
 * or a permanent failure → dead-letter queue with the reason; a transient failure → the next
 * retry delay queue with an attempt header, then the dead-letter queue after the last delay.
 * A copy is confirmed before the original is acked, so nothing is lost between the two.
 */
export class Settler {
  private readonly handled;
  private readonly handling;
  private readonly copyAttempts: number;
  private readonly copyPauseMs: number;

  constructor(private readonly o: SettlerOptions) {
    // Resolved once: a label lookup hashes its labels on every call.
    this.handled = o.metrics?.consumed.labels({ queue: o.queue, outcome: 'handled' });
    this.handling = o.metrics?.handlingSeconds.labels({ queue: o.queue });
    this.copyAttempts = o.copyAttempts ?? 3;
    this.copyPauseMs = o.copyPauseMs ?? 2000;
  }

  /** Settles a delivery after its handling (`error` undefined: success); never throws. */
  async settle(d: Delivery, error?: unknown): Promise<void> {
    try {
      if (error === undefined) {
        d.acks.ack(d.msg.fields.deliveryTag);
        this.handled?.inc();
        return;
      }
      const move = this.moveFor(d, error);
      if (await this.copy(d, move)) {
        // A delivery tag belongs to its channel: if that channel is gone the window drops the ack
        // and the broker redelivers the message (a duplicate of the copy, deduplicated by id).
        d.acks.ack(d.msg.fields.deliveryTag);
        move.moved();
      }
    } catch (err) {
      this.o.log.error({ err: errorText(err) }, 'delivery not settled');
    } finally {
      this.handling?.observe((Date.now() - d.started) / 1000);
    }
  }

  private moveFor(d: Delivery, error: unknown): Move {
    const { queue, metrics, log } = this.o;
    const attempt = attemptOf(d.msg);
    const delays = this.o.retryDelaysMs;
    if (error instanceof PermanentError) return this.deadLetter(d, error.reason, errorText(error), attempt);
    if (attempt > delays.length) return this.deadLetter(d, 'retries_exhausted', errorText(error), attempt);
    const delay = delays[attempt - 1]!;
    return {
      target: retryQueueName(queue, delay),
      headers: { [ATTEMPT_HEADER]: attempt + 1, [ERROR_HEADER]: errorText(error) },
      moved: () => {
        metrics?.retried.inc({ queue });
        metrics?.consumed.inc({ queue, outcome: 'retried' });
        log.warn({ err: errorText(error), attempt, retryInMs: delay }, 'handling failed; retrying later');
      },
    };
  }

  private deadLetter(d: Delivery, reason: string, error: string, attempt: number): Move {
    const { queue, metrics, log } = this.o;
    return {
      target: deadLetterQueueName(queue),
      headers: {
        [REASON_HEADER]: reason,
        [ERROR_HEADER]: error,
        [ATTEMPT_HEADER]: attempt,
        'x-original-queue': queue,
        'x-failed-at': new Date().toISOString(),
      },
      moved: () => {
        metrics?.deadLettered.inc({ queue, reason });
        log.warn({ reason, error, messageId: d.msg.properties.messageId }, 'message dead-lettered');
        metrics?.consumed.inc({ queue, outcome: 'dead_lettered' });
      },
    };
  }

  /**
   * Copies the message to its retry or dead-letter queue; true once the broker confirmed it.
   * Never `nack(requeue)`: that would run the handler again at once, in a loop for as long as the
   * broker refuses publishes (a resource alarm). The handler's outcome is kept and only the copy
   * is tried again, a bounded number of times; after that the message goes back to the broker
   * unacked with its channel, which is redelivered after the reconnect that follows.
   */
  private async copy(d: Delivery, move: Move): Promise<boolean> {
    const { properties } = d.msg;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.o.publishRaw(this.o.exchange, move.target, d.msg.content, {
          contentType: properties.contentType,
          messageId: properties.messageId,
          type: properties.type,
          correlationId: properties.correlationId,
          timestamp: properties.timestamp,
          appId: properties.appId,
          headers: {
            ...stripBrokerHeaders(properties.headers),
            ...move.headers,
            ...originalUserHeader(properties, this.o.userId),
          },
        });
        return true;
      } catch (err) {
        const last = attempt >= this.copyAttempts;
        this.o.log.error(
          { err: errorText(err), attempt, target: move.target },
          last
            ? 'could not move message to retry/dead-letter queue; giving it back to the broker'
            : 'could not move message to retry/dead-letter queue; trying again',
        );
        await new Promise((r) => setTimeout(r, this.copyPauseMs));
        if (!d.acks.isOpen) {
          this.o.log.debug('delivery not settled: its channel is closed; the broker redelivers it');
          return false;
        }
        if (last) {
          this.o.giveBack(d, `could not move a message of ${this.o.queue} to ${move.target}`);
          return false;
        }
      }
    }
  }
}

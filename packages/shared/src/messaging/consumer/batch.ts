import type { EventOf, MessageType } from '../../contracts';
import type { Logger } from '../../logger';
import type { BatchItem, BatchSpec, HandlerContext } from './index';
import type { Mode, ModeRuntime } from './mode';
import { logContextOf } from './parse';
import type { Delivery } from './settle';
import { ROOT_CONTEXT, Span } from '@opentelemetry/api';
import { SpanKind, endSpan, inSpan, linkTo, messageParent, startSpan } from '../../tracing';

interface Waiting<T extends MessageType> {
  delivery: Delivery;
  item: BatchItem<T>;
  /** `consume <queue>` in the member's own trace, from arrival to settle (tracing on). */
  span?: Span;
}

/**
 * Up to `batchSize` messages per handler call, up to `concurrency` (default 2) calls at once.
 * A full batch starts at once, a partial one after the batch delay. While every slot is busy
 * nothing is cut, so the waiting messages grow into the next batch, which starts as soon as a
 * slot frees: under load each transaction, round trip and commit serves more messages.
 */
export class BatchMode<T extends MessageType> implements Mode<T> {
  private readonly concurrency: number;
  private readonly delayMs: number;
  private waiting: Waiting<T>[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The waiting messages have waited long enough: the next free slot takes them. */
  private due = false;

  constructor(
    private readonly spec: BatchSpec<T>,
    private readonly rt: ModeRuntime,
  ) {
    this.concurrency = spec.concurrency ?? 2;
    this.delayMs = spec.batchDelayMs ?? 5;
  }

  accept(d: Delivery, event: EventOf<T>, attempt: number): void {
    const log = this.rt.log;
    let itemLog: Logger | undefined;
    // A batch has many messages, so each item's own logger carries their ids (a log context
    // would stamp one message's ids on the whole batch).
    const ctx: HandlerContext = {
      attempt,
      // Made when first used: most items of a batch never log.
      get log() {
        return (itemLog ??= log.child(logContextOf(event)));
      },
    };
    const span = startSpan(
      `consume ${this.rt.queue}`,
      SpanKind.CONSUMER,
      messageParent(event, d.msg.properties.headers),
    );
    this.waiting.push({ delivery: d, item: { event, ctx }, span });
    this.pump();
  }

  /** stop() began: what waits is cut into batches now, without the delay. */
  onStopping(): void {
    this.pump();
  }

  private pump(): void {
    const { lifecycle } = this.rt;
    if (lifecycle.closed) return;
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const partial = this.waiting.length < this.spec.batchSize;
      if (partial && !this.due && !lifecycle.stopping && this.delayMs > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.due = true;
          this.pump();
        }, this.delayMs);
        return;
      }
      const taken = this.waiting.splice(0, this.spec.batchSize);
      clearTimeout(this.timer);
      this.timer = undefined;
      this.due = this.waiting.length > 0;
      this.running++;
      this.rt.metrics?.batchSize.observe({ queue: this.rt.queue }, taken.length);
      void this.run(taken).finally(() => {
        taken.forEach(() => this.rt.flight.end());
        this.running--;
        // Whatever arrived while the slots were busy has waited already.
        if (this.waiting.length > 0) this.due = true;
        this.pump();
      });
    }
  }

  /** One result per item: only the items that failed go to retry or dead-letter. */
  private async run(taken: Waiting<T>[]): Promise<void> {
    let results: (Error | undefined)[] | void;
    try {
      // One span for the batch, linked to each member's; a member's follow-ups and their publish
      // spans stay in the member's trace (its event's traceparent, see publishParent).
      results = await inSpan(
        `handle ${this.rt.queue}`,
        {
          parent: ROOT_CONTEXT,
          links: taken.flatMap((t) => linkTo(t.span)),
          attributes: { 'messaging.batch.message_count': taken.length },
        },
        () => this.spec.handleBatch(taken.map((t) => t.item)),
      );
    } catch (err) {
      results = taken.map(() => (err instanceof Error ? err : new Error(String(err))));
    }
    await Promise.all(
      taken.map(async (t, i) => {
        const result = results ? results[i] : undefined;
        try {
          await this.rt.settler.settle(t.delivery, result);
        } finally {
          endSpan(t.span, result);
        }
      }),
    );
  }
}

import pLimit from 'p-limit';
import type { EventOf, MessageType } from '../../contracts';
import { withLogContext } from '../../logger';
import type { HandlerContext, SingleSpec } from './index';
import type { Mode, ModeRuntime } from './mode';
import { logContextOf } from './parse';
import type { Delivery } from './settle';
import { SpanKind, inSpan, messageParent } from '../../tracing';

/** One handler call per message, up to `concurrency` (default: prefetch) at once. */
export class SingleMode<T extends MessageType> implements Mode<T> {
  // Also bounds handlers across a reconnect: the old channel's may still run beside a new prefetch.
  private readonly limit;

  constructor(
    private readonly spec: SingleSpec<T>,
    private readonly rt: ModeRuntime,
  ) {
    this.limit = pLimit(spec.concurrency ?? spec.prefetch);
  }

  accept(d: Delivery, event: EventOf<T>, attempt: number): void {
    const ctx: HandlerContext = { attempt, log: this.rt.log };
    // One message at a time: the log context (a mixin) stamps every line with the ids.
    void this.limit(() =>
      withLogContext(logContextOf(event), () =>
        inSpan(
          `consume ${this.rt.queue}`,
          { kind: SpanKind.CONSUMER, parent: messageParent(event, d.msg.properties.headers) },
          async () => {
            try {
              await inSpan(`handle ${event.type}`, {}, () => this.spec.handle(event, ctx));
              await this.rt.settler.settle(d);
            } catch (err) {
              await this.rt.settler.settle(d, err);
            }
          },
        ),
      ),
    ).finally(() => this.rt.flight.end());
  }

  onStopping(): void {}
}

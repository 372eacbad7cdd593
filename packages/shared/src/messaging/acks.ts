/** The part of an amqplib channel the ack window settles deliveries on. */
export interface AckChannel {
  ack(message: { fields: { deliveryTag: number } }, allUpTo?: boolean): void;
}

/**
 * Coalesces the acks of one channel into multiple-acks: deliveries settled in the same turn of
 * the event loop, and every earlier one already settled, go out as a single `basic.ack` with
 * `multiple` set — one frame, and one settle command in a quorum queue, instead of one per
 * message. A multiple-ack covers every delivery up to its tag, so it is sent only up to the
 * first delivery still being handled. Deliveries settled behind one still in progress are held
 * at most `holdMs` and then acked one by one, so a slow message cannot hold the prefetch window.
 *
 * Delivery tags grow one by one on a channel; a window belongs to one channel and is dropped
 * with it (the broker redelivers what that channel left unacked).
 */
export class AckWindow {
  /** Delivered, in tag order; a prefix of it may already be settled. */
  private order: number[] = [];
  private head = 0;
  /** Settled here, ack not yet sent. */
  private toAck = new Set<number>();
  /** Settled at the broker already (nacked, or acked alone after the hold). */
  private gone = new Set<number>();
  private scheduled = false;
  private holdTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly channel: AckChannel,
    private readonly holdMs = 100,
    /** Called when sending an ack throws (the channel closed under us). */
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Records a delivery as it arrives (before it is handled). */
  delivered(tag: number): void {
    this.order.push(tag);
  }

  /** The delivery is done: its ack goes out with the next multiple-ack. */
  ack(tag: number): void {
    if (this.closed) return;
    this.toAck.add(tag);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** The delivery was settled at the broker some other way (nack): a multiple-ack may pass it. */
  settledElsewhere(tag: number): void {
    this.gone.add(tag);
    if (!this.scheduled && this.toAck.size > 0) this.flush();
  }

  /** Sends the multiple-ack for the settled prefix now; held acks wait for their hold. */
  flush(): void {
    if (this.closed) return;
    let upTo: number | undefined;
    while (this.head < this.order.length) {
      const tag = this.order[this.head]!;
      if (this.toAck.delete(tag)) upTo = tag;
      else if (!this.gone.delete(tag)) break;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    if (upTo !== undefined) this.send(upTo, true);
    if (this.toAck.size === 0) {
      clearTimeout(this.holdTimer);
      this.holdTimer = undefined;
    } else if (!this.holdTimer) {
      this.holdTimer = setTimeout(() => {
        this.holdTimer = undefined;
        this.releaseHeld();
      }, this.holdMs);
    }
  }

  /** Sends every settled ack now: the prefix as one multiple-ack, the rest one by one. */
  drain(): void {
    this.flush();
    this.releaseHeld();
  }

  /** The channel is gone: nothing more can be settled on it. */
  close(): void {
    this.closed = true;
    clearTimeout(this.holdTimer);
    this.toAck.clear();
  }

  /** False once the channel is gone: an ack now would be dropped. */
  get isOpen(): boolean {
    return !this.closed;
  }

  get pending(): number {
    return this.toAck.size;
  }

  private releaseHeld() {
    if (this.closed) return;
    for (const tag of [...this.toAck].sort((a, b) => a - b)) {
      if (this.closed) return;
      this.toAck.delete(tag);
      this.gone.add(tag);
      this.send(tag, false);
    }
  }

  private send(tag: number, allUpTo: boolean) {
    try {
      this.channel.ack({ fields: { deliveryTag: tag } }, allUpTo);
    } catch (err) {
      this.close();
      this.onError(err);
    }
  }
}

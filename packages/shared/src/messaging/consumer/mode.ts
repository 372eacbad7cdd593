import type { EventOf, MessageType } from '../../contracts';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { Delivery, Settler } from './settle';

// What the two modes share with the channel lifecycle in index.ts; not part of the package surface.

export interface Lifecycle {
  /** stop() was called: nothing new is consumed, what waits is started now. */
  stopping: boolean;
  /** stop() has returned: nothing more is started. */
  closed: boolean;
}

/** Deliveries taken but not yet settled, across channels; stop() waits for none. */
export class Flight {
  private count = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly gauge?: { inc(): void; dec(): void }) {}

  get size(): number {
    return this.count;
  }

  begin(): void {
    this.count++;
    this.gauge?.inc();
  }

  end(): void {
    this.count--;
    this.gauge?.dec();
    if (this.count === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    }
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    if (this.count === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.waiters.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }
}

/** What a mode is given; it ends each delivery's flight once the delivery is settled. */
export interface ModeRuntime {
  queue: string;
  log: Logger;
  metrics?: Metrics;
  settler: Settler;
  flight: Flight;
  lifecycle: Readonly<Lifecycle>;
}

export interface Mode<T extends MessageType> {
  /** A delivery whose message parsed; the mode handles it and settles it. */
  accept(d: Delivery, event: EventOf<T>, attempt: number): void;
  onStopping(): void;
}

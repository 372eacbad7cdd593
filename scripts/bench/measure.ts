/** Load generation, observation and process statistics for `pnpm bench`. */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import amqplib from 'amqplib';

export interface Message {
  id: string;
  routingKey: string;
  body: Buffer;
  props: amqplib.Options.Publish;
}

/** Tracks publish → observe latency and the backlog (published, not yet observed). */
export class Tracker {
  sentAt = new Map<string, number>();
  latencies: number[] = [];
  sent = 0;
  observed = 0;
  duplicates = 0;
  private seen = new Set<string>();

  markSent(id: string) {
    this.sentAt.set(id, performance.now());
    this.sent++;
  }
  markObserved(id: string) {
    const t = this.sentAt.get(id);
    if (t === undefined) return;
    if (this.seen.has(id)) {
      this.duplicates++;
      return;
    }
    this.seen.add(id);
    this.observed++;
    this.latencies.push(performance.now() - t);
  }
  get backlog() {
    return this.sent - this.observed;
  }
  reset() {
    this.latencies = [];
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Publishes `make()` messages at `rate`/s for `seconds` on a confirm channel (open loop). */
export async function publishAt(
  ch: amqplib.ConfirmChannel,
  exchange: string,
  rate: number,
  seconds: number,
  make: () => Message,
  tracker: Tracker,
  onSecond?: (elapsedS: number) => void,
): Promise<void> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let sent = 0;
  let nextSecond = 1;
  while (sent < total) {
    const elapsed = (performance.now() - start) / 1000;
    const due = Math.min(total, Math.floor(elapsed * rate) + 1);
    for (; sent < due; sent++) {
      const m = make();
      tracker.markSent(m.id);
      ch.publish(exchange, m.routingKey, m.body, m.props);
    }
    await ch.waitForConfirms();
    if (elapsed >= nextSecond) {
      onSecond?.(elapsed);
      nextSecond++;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  onSecond?.((performance.now() - start) / 1000);
}

/** Publishes `count` messages as fast as the broker confirms them (for a capacity estimate). */
export async function flood(
  ch: amqplib.ConfirmChannel,
  exchange: string,
  count: number,
  make: () => Message,
  tracker: Tracker,
) {
  for (let i = 0; i < count; i += 500) {
    for (let j = i; j < Math.min(count, i + 500); j++) {
      const m = make();
      tracker.markSent(m.id);
      ch.publish(exchange, m.routingKey, m.body, m.props);
    }
    await ch.waitForConfirms();
  }
}

export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const CLK_TCK = 100;

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** tsx runs the program in a child node process: measure that one (and the wrapper). */
export function processTree(pid: number): number[] {
  const out = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const c of children.split(/\s+/).filter(Boolean)) out.push(...processTree(Number(c)));
    }
  } catch {
    /* process gone */
  }
  return out;
}

export function pidsOf(user: string, name: string): number[] {
  try {
    return execFileSync('pgrep', ['-u', user, name])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU (in cores) and peak RSS of groups of processes over a window. */
/**
 * CPU and peak RSS per group of processes over a window. Pids are looked up again at every sample
 * and CPU is counted per pid, so processes that come and go within the window (Postgres backends
 * of a pool's connections) count for the time they were seen.
 */
export class ProcessSampler {
  /** Per group, per pid: CPU ticks when first seen in the window, and when last seen. */
  private ticks = new Map<string, Map<number, { first: number; last: number }>>();
  private startAt = 0;
  peakRss = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  constructor(private readonly groups: () => Map<string, number[]>) {}

  private sample(atStart: boolean) {
    for (const [name, pids] of this.groups()) {
      let seen = this.ticks.get(name);
      if (!seen) this.ticks.set(name, (seen = new Map()));
      let rss = 0;
      for (const pid of pids) {
        const t = cpuTicks(pid);
        const known = seen.get(pid);
        // A process first seen after the start began within the window: all its CPU counts.
        if (known) known.last = Math.max(known.last, t);
        else seen.set(pid, { first: atStart ? t : 0, last: t });
        rss += rssMb(pid);
      }
      if (!atStart) this.peakRss.set(name, Math.max(this.peakRss.get(name) ?? 0, rss));
    }
  }

  start() {
    this.startAt = performance.now();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 500);
  }

  stop(): Map<string, { cores: number; peakRssMb: number }> {
    clearInterval(this.timer);
    this.sample(false);
    const seconds = (performance.now() - this.startAt) / 1000;
    const out = new Map<string, { cores: number; peakRssMb: number }>();
    for (const [name, seen] of this.ticks) {
      let ticks = 0;
      for (const { first, last } of seen.values()) ticks += last - first;
      out.set(name, { cores: ticks / CLK_TCK / seconds, peakRssMb: this.peakRss.get(name) ?? 0 });
    }
    return out;
  }
}

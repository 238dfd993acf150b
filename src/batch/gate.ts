// When the next call may start: fewer than --concurrency in flight, --rate not exceeded, the
// results output keeping up, and no reason to stop. Calls start one at a time from one loop, so
// they start in input order.
import { monotonicMs } from '../api/clock.js';
import { STOP_SIGNALS, type StopSignal } from '../api/errors.js';
import type { Throttle } from '../client/throttle.js';

/**
 * What stops a batch the way Ctrl-C does: SIGTERM (kill), SIGHUP (a closed terminal, a dropped ssh
 * session, a closed console window on Windows) and SIGBREAK (Ctrl-Break on Windows, which sends no SIGTERM).
 */
export type BatchSignal = StopSignal;

/** Why the batch stops starting calls, and whether the calls in flight are given up on. */
export class StopControl {
  /** The first signal received. */
  signal: BatchSignal | undefined;
  /** A call failed under --stop-on-error. */
  failed = false;
  /** Set by a second signal, or when the grace period after the first runs out. */
  abandon = false;
  /** The results could not be written (stdout closed, disk full): why, for the summary. */
  outputFailure: string | undefined;
  private listeners = new Set<() => void>();

  get stopping(): boolean {
    return this.signal !== undefined || this.failed || this.outputFailure !== undefined;
  }

  onOutputFailure(why: string): void {
    if (this.outputFailure !== undefined) return;
    this.outputFailure = why;
    this.notify();
  }

  onSignal(signal: BatchSignal): void {
    if (this.signal === undefined) this.signal = signal;
    else this.abandon = true;
    this.notify();
  }

  onFailure(): void {
    this.failed = true;
    this.notify();
  }

  giveUp(): void {
    this.abandon = true;
    this.notify();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Routes the stopping signals to `stop` until the returned function is called. */
export function watchSignals(stop: StopControl): () => void {
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => stop.onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

export interface GateOptions {
  concurrency: number;
  /** Calls per second; spaced evenly, so no burst goes above it. */
  rate?: number;
  /** Resolves when the results output has room again, or undefined when it has room now. */
  room?: () => Promise<void> | undefined;
  /** What the server said about our pace (a shared Retry-After pause, the adapted rate and window). */
  throttle?: Throttle;
  now?: () => number;
}

export class Gate {
  private inFlight = 0;
  private started = 0;
  private firstStart: number | undefined;
  private wake: (() => void) | undefined;
  private wakeScheduled = false;
  private readonly now: () => number;

  constructor(
    private readonly options: GateOptions,
    private readonly stop: StopControl,
  ) {
    this.now = options.now ?? monotonicMs;
    stop.onChange(() => this.wakeUp());
  }

  /** Waits until one more call may start and counts it as started; false when the batch is stopping. */
  async enter(): Promise<boolean> {
    while (!this.stop.stopping) {
      if (this.tryEnter()) return true;
      const room = this.options.room?.();
      if (room) await Promise.race([room, this.sleep()]);
      // A call in flight wakes the wait when it leaves.
      else if (this.inFlight >= this.limit()) await this.sleep();
      // Only --rate or the server's pace holds the start back: always a timer, even if the slot fell
      // due meanwhile, as with nothing in flight nothing else would wake the wait (and the process would just end).
      else await this.sleep(Math.max(1, this.dueTime() - this.now(), this.options.throttle?.waitMs() ?? 0));
    }
    return false;
  }

  /** Counts a call as started if one may start right now. */
  tryEnter(): boolean {
    const { throttle } = this.options;
    if (this.stop.stopping || this.inFlight >= this.limit() || this.options.room?.() || this.dueTime() > this.now() || (throttle && throttle.waitMs() > 0)) return false;
    this.firstStart ??= this.now();
    this.started++;
    this.inFlight++;
    throttle?.sent();
    return true;
  }

  /** Calls in flight at most: --concurrency, fewer while the server pushes back. */
  private limit(): number {
    const { throttle, concurrency } = this.options;
    return throttle ? Math.min(concurrency, throttle.window) : concurrency;
  }

  /**
   * A call is done. The waiting loop wakes in the next turn of the event loop rather than at once,
   * so that the calls that completed together are replaced together (one journal write for all).
   */
  leave(): void {
    this.inFlight--;
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.wakeUp();
    });
  }

  /** Resolves once no call is in flight, or the calls in flight are abandoned. */
  async drain(): Promise<void> {
    while (this.inFlight > 0 && !this.stop.abandon) await this.sleep();
  }

  private dueTime(): number {
    const { rate } = this.options;
    if (rate === undefined || this.firstStart === undefined) return 0;
    return this.firstStart + (this.started * 1000) / rate;
  }

  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wakeUp(), Math.max(1, ms));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

// The progress bar of long runs (batch, test) kept on the last line of a terminal: redrawn in place at
// a modest rate, also on a timer while nothing ends (a long retry-until, a Retry-After pause: the
// rate and the time left must not freeze), taken away before anything else is written to that terminal (a warning on stderr, a
// step line on stdout) and drawn again after it, so it never garbles them; erased for good before the
// summary. Draws nothing when disabled (stderr is no terminal, or a dry run). The line itself comes
// from progress-bar.ts.
import type { Writable } from 'node:stream';
import { progressLine } from './progress-bar.js';
import { monotonicMs } from '../api/clock.js';

/** A modest rate: five redraws a second, whatever the pace of the calls. */
const REDRAW_MS = 200;
const DEFAULT_COLUMNS = 80;
const ERASE_LINE = '\r\x1b[K';

/** What the bar counts: items done (calls, steps) and how many of them failed. */
export interface ProgressCounts {
  readonly done: number;
  readonly failed: number;
}

/** What the server said about the pace (batch, test): a pause it asked for, and its 429s. */
export interface PaceFacts {
  /** Milliseconds left of a pause the server asked for (Retry-After); 0 when none. */
  waitingMs: number;
  tooManyRequests: number;
}

/** Runs `tick` every `ms` until the returned function is called (injected for tests). */
export type Every = (tick: () => void, ms: number) => () => void;

const every: Every = (tick, ms) => {
  // unref: the bar never keeps a finished process alive.
  const timer = setInterval(tick, ms).unref();
  return () => clearInterval(timer);
};

export interface ProgressOptions {
  enabled: boolean;
  /** Shown first on the line: the command (`batch`, `test`). */
  label: string;
  total: number;
  /** Milliseconds on a monotonic clock (injected for tests). */
  now?: () => number;
  /** The timer that redraws while nothing ends (injected for tests). */
  every?: Every;
  /** The server's pace, read at each draw. */
  pace?: () => PaceFacts;
}

export class ProgressDisplay {
  /** now() of the last draw; none yet, so the first update is always drawn. */
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private counts: ProgressCounts = { done: 0, failed: 0 };
  private readonly now: () => number;
  private readonly started: number;
  private stopTimer: (() => void) | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? monotonicMs;
    this.started = this.now();
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** New counts; drawn when the last draw is old enough (or `force`). */
  update(counts: ProgressCounts, force = false): void {
    if (!this.options.enabled) return;
    this.counts = { done: counts.done, failed: counts.failed };
    this.stopTimer ??= (this.options.every ?? every)(() => this.tick(), REDRAW_MS);
    if (!force && this.now() - this.lastDraw < REDRAW_MS) return;
    this.draw();
  }

  /** The timer: a redraw when the last is old enough, so the rate, the time left and a pause move. */
  private tick(): void {
    if (this.drawn && this.now() - this.lastDraw >= REDRAW_MS) this.draw();
  }

  /** A line of its own on the bar's stream (a retry warning) without breaking the bar. */
  note(text: string): void {
    this.above(() => this.stream.write(`${text}\n`));
  }

  /** Output to the same terminal (stdout when it is one): the bar goes away for it and comes back after. */
  above(write: () => void): void {
    const shown = this.drawn;
    this.erase();
    write();
    if (shown) this.draw();
  }

  /** Erased for good (until the next update): the timer stops too. */
  clear(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.erase();
  }

  private erase(): void {
    if (!this.drawn) return;
    this.stream.write(ERASE_LINE);
    this.drawn = false;
    this.lastDraw = Number.NEGATIVE_INFINITY;
  }

  private draw(): void {
    const now = this.now();
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? this.counts.done / seconds : 0;
    // A pseudo-terminal may report no size (0): then the usual 80 columns.
    const columns = (this.stream as { columns?: number }).columns || DEFAULT_COLUMNS;
    const { label, total } = this.options;
    const pace = this.options.pace?.();
    const paceFacts = pace ? { waitingS: Math.ceil(pace.waitingMs / 1000), tooManyRequests: pace.tooManyRequests } : {};
    this.stream.write(`${ERASE_LINE}${progressLine({ label, done: this.counts.done, total, failed: this.counts.failed, rate, columns, ...paceFacts })}`);
    this.drawn = true;
  }
}

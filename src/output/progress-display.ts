// The progress bar of long runs (batch, test) kept on the last line of a terminal: redrawn in place at
// a modest rate, taken away before anything else is written to that terminal (a warning on stderr, a
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

export interface ProgressOptions {
  enabled: boolean;
  /** Shown first on the line: the command (`batch`, `test`). */
  label: string;
  total: number;
  /** Milliseconds on a monotonic clock (injected for tests). */
  now?: () => number;
}

export class ProgressDisplay {
  /** now() of the last draw; none yet, so the first update is always drawn. */
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private counts: ProgressCounts = { done: 0, failed: 0 };
  private readonly now: () => number;
  private readonly started: number;

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
    if (!force && this.now() - this.lastDraw < REDRAW_MS) return;
    this.draw();
  }

  /** A line of its own on the bar's stream (a retry warning) without breaking the bar. */
  note(text: string): void {
    this.above(() => this.stream.write(`${text}\n`));
  }

  /** Output to the same terminal (stdout when it is one): the bar goes away for it and comes back after. */
  above(write: () => void): void {
    const shown = this.drawn;
    this.clear();
    write();
    if (shown) this.draw();
  }

  clear(): void {
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
    this.stream.write(`${ERASE_LINE}${progressLine({ label, done: this.counts.done, total, failed: this.counts.failed, rate, columns })}`);
    this.drawn = true;
  }
}

// What the server says about our pace, shared by every call of one run (a batch's workers, a
// test's jobs, one library client). A 429, or a 503 with Retry-After, pauses every call until the
// Retry-After has passed, not only the one that got it: without that, each worker waits alone and
// they all come back at once, to be turned away again. Then the sending rate adapts, as AWS's
// adaptive retry mode and TCP's AIMD do: after a push-back it drops to the rate the server was
// seen to accept, and calls in flight are halved; while the server accepts, both grow again.
import { monotonicMs } from '../api/clock.js';
import { retryAfterMs, RETRY_AFTER_CAP_MS } from '../api/retry.js';

/**
 * While the server accepts, the paced rate grows by this share of itself each second (additive
 * increase). With SAFETY: faster settings (1.0 and 5 %/s, 0.95 and 7 %/s) beat each worker waiting
 * alone in a model of bench-rate.mjs's run, but met a server of one call a second at its exact rate,
 * and a late bucket answered a second 429 (test/e2e/rate-limit.test.ts on a loaded machine): issue 21.
 */
const GROWTH_PER_S = 0.02;
/** After a push-back, the pace is this share of the rate the server was seen to accept: just below its limit. */
const SAFETY = 0.9;
/** How far a paced run may catch up on timers that fired late: a short burst, as the server's own bucket allows. */
const CATCH_UP_MS = 250;
/** Never paced slower than this: one call every ten seconds. */
const MIN_RATE_PER_S = 0.1;

export interface ThrottleOptions {
  /** Calls in flight at most (--concurrency); the adaptive window stays within it. */
  concurrency: number;
  /** A hard ceiling (--rate): the adaptive rate never goes above it. */
  ceilingPerS?: number;
  /** The longest Retry-After that pauses everyone; longer ones are final for the call that got them (as api/retry.ts decides). */
  maxPauseMs?: number;
  /** Monotonic milliseconds (injected in tests). */
  now?: () => number;
  /** Wall-clock milliseconds, for a Retry-After given as an HTTP date. */
  wallNow?: () => number;
}

/** What the progress bar and the summary show. */
export interface ThrottleFacts {
  /** Answers 429 Too Many Requests received. */
  tooManyRequests: number;
  /** Milliseconds until the shared pause ends (0: not paused). */
  pausedForMs: number;
  /** The paced rate, calls/s; undefined while the server has not pushed back. */
  ratePerS: number | undefined;
  /** Calls allowed in flight now (at most --concurrency). */
  window: number;
}

export class Throttle {
  private pausedUntil = Number.NEGATIVE_INFINITY;
  /** The adaptive rate after the last push-back, and when it was set (it grows from there). */
  private baseRatePerS: number | undefined;
  private baseSince = 0;
  /** When the next call may go at the paced rate. */
  private nextSendAt = Number.NEGATIVE_INFINITY;
  /** Calls accepted since the end of the last pause (or the first call), for the rate the server allows. */
  private accepted = 0;
  private epochStart: number | undefined;
  private windowSize: number;
  private slowedAt = Number.NEGATIVE_INFINITY;
  /** A push-back whose new rate is set when the pause ends. */
  private unsettled: { rateBefore: number } | undefined;
  tooManyRequests = 0;
  private readonly now: () => number;
  private readonly wallNow: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? monotonicMs;
    this.wallNow = options.wallNow ?? Date.now;
    this.windowSize = options.concurrency;
  }

  /** The throttle's clock (monotonic ms), for `observe`'s sentAt. */
  nowMs(): number {
    return this.now();
  }

  /** Calls allowed in flight now. */
  get window(): number {
    return Math.max(1, Math.floor(this.windowSize));
  }

  /** The paced rate now (calls/s), or undefined when calls are not paced (no push-back yet, no ceiling). */
  ratePerS(at: number = this.now()): number | undefined {
    const { ceilingPerS } = this.options;
    if (this.baseRatePerS === undefined) return ceilingPerS;
    const grown = this.baseRatePerS * (1 + GROWTH_PER_S * Math.max(0, (at - this.baseSince) / 1000));
    return ceilingPerS === undefined ? grown : Math.min(grown, ceilingPerS);
  }

  /** Milliseconds until the next call may be sent: the shared pause, then the paced rate. */
  waitMs(): number {
    const now = this.now();
    this.settle(now);
    return Math.max(0, this.pausedUntil - now, this.baseRatePerS === undefined ? 0 : this.nextSendAt - now);
  }

  /** A call goes out now: it takes its place in the paced rate. */
  sent(): void {
    const now = this.now();
    this.settle(now);
    this.epochStart ??= now;
    const rate = this.baseRatePerS === undefined ? undefined : this.ratePerS(now);
    // A timer that fired late leaves its lateness as credit (up to CATCH_UP_MS): the pace is kept on average.
    if (rate !== undefined) this.nextSendAt = Math.max(now - CATCH_UP_MS, this.nextSendAt) + 1000 / rate;
  }

  /** Waits until a call may be sent, then counts it as sent. `sleep` is the caller's (a batch cuts it short when it stops). */
  async acquire(sleep: (ms: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
    for (let wait = this.waitMs(); wait > 0 && !signal?.aborted; wait = this.waitMs()) await sleep(wait);
    this.sent();
  }

  /** An answer came to a call sent at `sentAt` (monotonic ms): a push-back (429, or 503 with Retry-After) pauses and slows everyone; any other answer lets the pace grow. */
  observe(status: number, retryAfter: string | string[] | undefined, sentAt: number): void {
    const now = this.now();
    const delay = status === 429 || status === 503 ? retryAfterMs(retryAfter, this.wallNow()) : undefined;
    if (status !== 429 && delay === undefined) {
      this.accepted++;
      // One more in flight per window's worth of accepted calls, as TCP's congestion avoidance.
      this.windowSize = Math.min(this.options.concurrency, this.windowSize + 1 / this.windowSize);
      return;
    }
    if (status === 429) this.tooManyRequests++;
    const maxPause = this.options.maxPauseMs ?? RETRY_AFTER_CAP_MS;
    if (delay !== undefined && delay <= maxPause) this.pausedUntil = Math.max(this.pausedUntil, now + delay);
    // Calls sent before the last slow-down were answered by the same push-back: one slow-down for them all.
    if (sentAt < this.slowedAt) return;
    this.slowedAt = now;
    this.windowSize = Math.max(1, this.windowSize / 2);
    // The new rate is settled when sending resumes: by then the calls in flight have been answered too.
    this.unsettled = { rateBefore: this.ratePerS(now) ?? Number.POSITIVE_INFINITY };
  }

  /** Once the pause is over: the rate the server accepted since the last settling, over the time until the pause's end (the pause is part of its price), a little below. */
  private settle(now: number): void {
    const { unsettled } = this;
    if (unsettled === undefined || now < this.pausedUntil) return;
    this.unsettled = undefined;
    // From the end of the pause the server asked for (not from a late look at it).
    const end = Math.max(this.pausedUntil, this.slowedAt);
    const since = this.epochStart ?? end;
    // Nothing accepted yet (the server was at its limit before we came): no rate to go by; the pause and the halved window must do.
    if (this.accepted > 0) {
      const seen = (SAFETY * this.accepted) / Math.max(0.001, (end - since) / 1000);
      this.baseRatePerS = Math.max(MIN_RATE_PER_S, Math.min(unsettled.rateBefore, seen));
    }
    this.baseSince = end;
    this.nextSendAt = end;
    this.accepted = 0;
    this.epochStart = end;
  }

  facts(): ThrottleFacts {
    const now = this.now();
    return { tooManyRequests: this.tooManyRequests, pausedForMs: Math.max(0, this.pausedUntil - now), ratePerS: this.baseRatePerS === undefined ? undefined : this.ratePerS(now), window: this.window };
  }
}

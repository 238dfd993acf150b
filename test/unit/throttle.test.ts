// Rate limits on both sides, with an injected clock: the mock's bucket (--rate-limit) and the pace a
// run's calls share (a Retry-After pauses them all, then the rate adapts), and batch's gate obeying it.
import { describe, expect, it } from 'vitest';
import { rateLimiter } from '../../src/mock/rate-limit.js';
import { Throttle } from '../../src/client/throttle.js';
import { Gate, StopControl } from '../../src/batch/gate.js';
import { summaryLines, Tally } from '../../src/batch/progress.js';

function clock() {
  let ms = 1_000_000;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

describe('the mock rate limit (a token bucket)', () => {
  it('accepts a burst of one second of calls, then answers with the whole seconds until one is accepted again', () => {
    const time = clock();
    const limiter = rateLimiter(100, time.now);
    const decisions = Array.from({ length: 101 }, () => limiter.take());
    expect(decisions.slice(0, 100).every((decision) => decision.ok)).toBe(true);
    expect(decisions[100]).toEqual({ ok: false, retryAfterS: 1 });
    time.advance(10);
    expect(limiter.take()).toEqual({ ok: true });
    expect(limiter.take()).toEqual({ ok: false, retryAfterS: 1 });
  });

  it('a slow limit asks to wait as long as its refill takes', () => {
    const time = clock();
    const limiter = rateLimiter(0.1, time.now);
    expect(limiter.take()).toEqual({ ok: true });
    expect(limiter.take()).toEqual({ ok: false, retryAfterS: 10 });
    time.advance(4000);
    expect(limiter.take()).toEqual({ ok: false, retryAfterS: 6 });
    time.advance(6000);
    expect(limiter.take()).toEqual({ ok: true });
  });
});

describe('Throttle: the pace shared by the calls of a run', () => {
  it('sends at once while the server accepts', () => {
    const time = clock();
    const throttle = new Throttle({ concurrency: 16, now: time.now });
    for (let i = 0; i < 50; i++) {
      expect(throttle.waitMs()).toBe(0);
      throttle.sent();
      throttle.observe(200, undefined, time.now());
    }
    expect(throttle.facts()).toEqual({ tooManyRequests: 0, pausedForMs: 0, ratePerS: undefined, window: 16 });
  });

  it('one 429 with Retry-After pauses every call until then; the answers to calls already in flight slow it once', () => {
    const time = clock();
    const throttle = new Throttle({ concurrency: 16, now: time.now });
    const sentAt = time.now();
    for (let i = 0; i < 100; i++) throttle.sent();
    for (let i = 0; i < 90; i++) throttle.observe(200, undefined, sentAt);
    time.advance(1000);
    throttle.observe(429, '2', sentAt);
    expect(throttle.waitMs()).toBe(2000);
    time.advance(10);
    // Nine more of the same burst: they count, but neither halve the window again nor move the pause much.
    for (let i = 0; i < 9; i++) throttle.observe(429, '2', sentAt);
    expect(throttle.facts()).toMatchObject({ tooManyRequests: 10, window: 8 });
    expect(throttle.waitMs()).toBe(2000);
    time.advance(2000);
    // 90 accepted from the first send to the end of the pause (3.01 s), 0.9 of that: about 27 calls/s.
    expect(throttle.waitMs()).toBe(0);
    const rate = throttle.ratePerS() as number;
    expect(rate).toBeCloseTo((0.9 * 90) / 3.01, 5);
    throttle.sent();
    expect(throttle.waitMs()).toBeCloseTo(1000 / rate, 5);
  });

  it('a push-back before any call was accepted sets no pace (there is no rate to go by): the pause alone holds the calls', () => {
    const time = clock();
    const throttle = new Throttle({ concurrency: 4, now: time.now });
    throttle.sent();
    throttle.observe(429, '2', time.now());
    time.advance(2000);
    expect(throttle.waitMs()).toBe(0);
    throttle.sent();
    expect(throttle.waitMs()).toBe(0);
    expect(throttle.facts()).toEqual({ tooManyRequests: 1, pausedForMs: 0, ratePerS: undefined, window: 2 });
  });

  it('a 503 with Retry-After pauses too; a 503 without it, or a Retry-After longer than the run waits, does not', () => {
    const time = clock();
    const throttle = new Throttle({ concurrency: 4, now: time.now, maxPauseMs: 60_000 });
    throttle.sent();
    throttle.observe(503, undefined, time.now());
    expect(throttle.waitMs()).toBe(0);
    throttle.observe(503, '120', time.now());
    expect(throttle.waitMs()).toBe(0);
    throttle.observe(503, '1', time.now());
    expect(throttle.facts()).toMatchObject({ pausedForMs: 1000, tooManyRequests: 0 });
  });

  it('the paced rate grows while the server accepts, and never above the --rate ceiling', () => {
    const time = clock();
    const throttle = new Throttle({ concurrency: 4, ceilingPerS: 12, now: time.now });
    const sentAt = time.now();
    throttle.sent();
    for (let i = 0; i < 10; i++) throttle.observe(200, undefined, sentAt);
    time.advance(500);
    throttle.observe(429, '1', sentAt);
    time.advance(1000);
    expect(throttle.waitMs()).toBe(0);
    const start = throttle.ratePerS() as number;
    // 10 accepted from the first send to the end of the pause (1.5 s), 0.9 of that; 2 % more of it each second.
    expect(start).toBeCloseTo((0.9 * 10) / 1.5, 5);
    time.advance(10_000);
    expect(throttle.ratePerS()).toBeCloseTo(start * 1.2, 5);
    time.advance(100_000);
    expect(throttle.ratePerS()).toBe(12);
  });

  it('the window of calls in flight halves on a push-back and grows back by about one per window of accepted answers', () => {
    const time = clock();
    const throttle = new Throttle({ concurrency: 8, now: time.now });
    throttle.observe(429, undefined, time.now());
    expect(throttle.window).toBe(4);
    for (let i = 0; i < 5; i++) throttle.observe(200, undefined, time.now());
    expect(throttle.window).toBe(5);
  });
});

describe('Gate with a throttle', () => {
  it('starts no call while the server asked to wait, and starts one when the pause is over', () => {
    const time = clock();
    const throttle = new Throttle({ concurrency: 4, now: time.now });
    const gate = new Gate({ concurrency: 4, throttle, now: time.now }, new StopControl());
    expect(gate.tryEnter()).toBe(true);
    throttle.observe(429, '1', time.now());
    gate.leave();
    expect(gate.tryEnter()).toBe(false);
    time.advance(999);
    expect(gate.tryEnter()).toBe(false);
    time.advance(1);
    expect(gate.tryEnter()).toBe(true);
  });

  it('keeps fewer calls in flight than --concurrency while the window is small', () => {
    const time = clock();
    const throttle = new Throttle({ concurrency: 4, now: time.now });
    const gate = new Gate({ concurrency: 4, throttle, now: time.now }, new StopControl());
    throttle.observe(429, undefined, time.now());
    throttle.observe(429, undefined, time.now() + 1);
    expect(throttle.window).toBe(1);
    time.advance(10_000);
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(false);
  });
});

describe('the batch summary under a rate limit', () => {
  it('says how many 429s came and the pace at the end', () => {
    const tally = new Tally();
    for (let line = 1; line <= 30; line++) tally.add(line, { ok: true } as never);
    const [line] = summaryLines({ tally, seconds: 2, resultsPath: undefined, notSent: 0, stoppedAt: undefined, signal: undefined, resumeCommand: undefined, pace: { tooManyRequests: 3, pausedForMs: 0, ratePerS: 14.6, window: 8 } });
    expect(line).toBe('batch: 30 calls in 2.0 s (15/s): 30 ok; 3 answers 429 Too Many Requests (all calls paused for the Retry-After, then paced, 15/s at the end)');
  });
});

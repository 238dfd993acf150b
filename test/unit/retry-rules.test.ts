// The safe-retry rules (api/retry.ts) one by one, with an injected clock that starts far from zero
// (a clock at 0 hid `now() + delay - started` turned into `+ started`), the exact boundaries of
// --retry-max-time and of the Retry-After cap, the words said when a retry is given up, and which
// failures count as "never reached the server". Written against the mutants that survived.
import { describe, expect, it } from 'vitest';
import { NetworkError, OneOfficeError, TimeoutError } from '../../src/api/errors.js';
import { neverReachedServer, RETRY_AFTER_CAP_MS, retryableError, retryableStatus, retryAfterMs, withRetries, type AttemptResponse, type RetryOptions } from '../../src/api/retry.js';

/** A clock that starts at an hour past the epoch's zero, and a sleep that moves it. */
function clockAt(startMs = 3_600_000) {
  let time = startMs;
  const delays: number[] = [];
  return { now: () => time, sleep: async (ms: number) => void (delays.push(ms), (time += ms)), random: () => 0.5, delays };
}

function answering(statuses: Array<number | Error>, headers: Record<string, string> = {}) {
  let calls = 0;
  const attempt = async (): Promise<AttemptResponse> => {
    const next = statuses[Math.min(calls++, statuses.length - 1)] as number | Error;
    if (next instanceof Error) throw next;
    return { status: next, statusText: 'Service Unavailable', headers, discard: async () => undefined };
  };
  return { attempt, calls: () => calls };
}

async function run(statuses: Array<number | Error>, options: Partial<RetryOptions>, headers: Record<string, string> = {}) {
  const clock = clockAt();
  const { attempt, calls } = answering(statuses, headers);
  const gaveUp: string[] = [];
  const retried: string[] = [];
  let outcome: unknown;
  try {
    outcome = (await withRetries(attempt, { retries: 3, retryMaxTimeMs: 0, idempotent: false, onGiveUp: (m) => gaveUp.push(m), onRetry: (m) => retried.push(m), ...clock, ...options })).status;
  } catch (error) {
    outcome = error;
  }
  return { outcome, calls: calls(), delays: clock.delays, gaveUp, retried };
}

describe('--retry-max-time counts from the first attempt, whatever the clock reads', () => {
  it('retries while the next attempt starts within the limit, on a clock that does not start at zero', async () => {
    // 1 s and 2 s of backoff: the third attempt starts 3 s after the first, within 3.5 s.
    const result = await run([503, 503, 200], { retryMaxTimeMs: 3_500 });
    expect(result).toMatchObject({ outcome: 200, calls: 3, delays: [1000, 2000] });
  });

  it('an attempt that would start exactly at the limit still goes; one past it does not', async () => {
    expect((await run([503, 503, 200], { retryMaxTimeMs: 3_000 })).calls).toBe(3);
    const late = await run([503, 503, 200], { retryMaxTimeMs: 2_999 });
    expect(late).toMatchObject({ outcome: 503, calls: 2 });
    expect(late.gaveUp).toEqual(['not retrying (503 Service Unavailable): the next attempt would start after --retry-max-time (3 s)']);
  });

  it('a Retry-After longer than --retry-max-time is not waited for, and says so', async () => {
    const result = await run([429, 200], { retryMaxTimeMs: 10_000 }, { 'retry-after': '20' });
    expect(result).toMatchObject({ outcome: 429, calls: 1, delays: [] });
    expect(result.gaveUp).toEqual(['not retrying (429 Service Unavailable): the server asks to wait 20 s (Retry-After), longer than --retry-max-time (10 s)']);
  });
});

describe('the Retry-After cap without --retry-max-time', () => {
  it('waits a Retry-After of exactly the cap, but not one second more', async () => {
    const capS = RETRY_AFTER_CAP_MS / 1000;
    expect(await run([503, 200], {}, { 'retry-after': String(capS) })).toMatchObject({ outcome: 200, delays: [RETRY_AFTER_CAP_MS] });
    const over = await run([503, 200], {}, { 'retry-after': String(capS + 1) });
    expect(over).toMatchObject({ outcome: 503, calls: 1, delays: [] });
    expect(over.gaveUp).toEqual([`not retrying (503 Service Unavailable): the server asks to wait ${capS + 1} s (Retry-After), longer than the ${capS} s oneoffice waits at most without --retry-max-time`]);
  });

  it('a long backoff (no Retry-After) is not capped', async () => {
    expect(await run([503, 200], { retryDelayMs: RETRY_AFTER_CAP_MS + 1000 })).toMatchObject({ outcome: 200, delays: [RETRY_AFTER_CAP_MS + 1000] });
  });
});

describe('giving up', () => {
  it('says nothing when the last attempt is spent or the answer is final', async () => {
    expect((await run([503], { retries: 1 })).gaveUp).toEqual([]);
    expect((await run([400], {})).gaveUp).toEqual([]);
  });

  it('no retries at all: one attempt, no pause, no words', async () => {
    expect(await run([503, 200], { retries: 0 })).toMatchObject({ outcome: 503, calls: 1, delays: [], retried: [], gaveUp: [] });
  });

  it('one retry allowed: exactly two attempts', async () => {
    expect(await run([503, 503, 200], { retries: 1 })).toMatchObject({ outcome: 503, calls: 2, delays: [1000] });
  });
});

describe('which answers and failures may be retried', () => {
  it('429 and 503 for any method; other 5xx only for idempotent ones; the reason is trimmed', () => {
    expect(retryableStatus(429, '', false)).toBe('429');
    expect(retryableStatus(503, 'Service Unavailable', false)).toBe('503 Service Unavailable');
    expect(retryableStatus(500, 'x', false)).toBeUndefined();
    expect(retryableStatus(500, 'x', true)).toBe('500 x');
    expect(retryableStatus(499, 'x', true)).toBeUndefined();
  });

  it('failures before sending are retried for any method, every one of them by its code', () => {
    for (const code of ['E_CONNREFUSED', 'E_CONNECT_TIMEOUT', 'E_UNREACHABLE', 'E_DNS_TEMPORARY', 'E_PROXY_CONNECT'] as const) {
      expect(neverReachedServer(code)).toBe(true);
      expect(retryableError(new NetworkError(`failed: ${code}`, code), false)).toBe(`failed: ${code}`);
    }
    expect(neverReachedServer('E_CONNRESET')).toBe(false);
    expect(neverReachedServer('')).toBe(false);
  });

  it('failures after sending only for idempotent methods, every one of them by its code', () => {
    for (const error of [new NetworkError('reset', 'E_CONNRESET'), new TimeoutError('stalled', 'E_TIMEOUT'), new TimeoutError('too long', 'E_MAX_TIME')]) {
      expect(retryableError(error, false)).toBeUndefined();
      expect(retryableError(error, true)).toBe(error.message);
    }
  });

  it('anything that is not one of our errors is never retried', () => {
    expect(retryableError(new Error('E_CONNREFUSED'), true)).toBeUndefined();
    expect(retryableError({ code: 'E_CONNREFUSED', message: 'x' }, true)).toBeUndefined();
    expect(retryableError(new OneOfficeError('usage', 'E_USAGE', 2), true)).toBeUndefined();
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds with spaces around, the first of several values, and an HTTP date', () => {
    expect(retryAfterMs(' 7 ', 0)).toBe(7000);
    expect(retryAfterMs(['3', '9'], 0)).toBe(3000);
    const now = Date.parse('Mon, 07 Dec 2026 01:00:00 GMT');
    expect(retryAfterMs('Mon, 07 Dec 2026 01:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 00:59:00 GMT', now)).toBe(0);
  });

  it('ignores what is not a number of seconds or a date (V8 reads "1.5" and "-3" as dates of 2001)', () => {
    for (const value of [undefined, '', '   ', '7s', 's7', '1.5', '-3', '12 34', 'soon']) expect(retryAfterMs(value, 0), String(value)).toBeUndefined();
  });
});

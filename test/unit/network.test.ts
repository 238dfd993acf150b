// Retry decisions and proxy selection, as pure functions.
import { describe, expect, it } from 'vitest';
import { STATUS_CODES } from 'node:http';
import { headersFromRaw } from '../../src/http/http1-text.js';
import { statusTextOf } from '../../src/http/status-texts.js';
import { NetworkError, TimeoutError, type ErrorCode } from '../../src/api/errors.js';
import { bypassed, proxyFor } from '../../src/http/proxy.js';
import { maskedUrl } from '../../src/api/mask.js';
import { backoffMs, retryableError, retryableStatus, retryAfterMs, withRetries, type AttemptResponse } from '../../src/api/retry.js';

describe('what may be retried', () => {
  it.each([
    [429, false, true], [503, false, true], [500, false, false], [502, false, false], [500, true, true], [504, true, true], [400, true, false], [200, true, false],
  ])('status %i (idempotent: %s) -> %s', (status, idempotent, retry) => {
    expect(retryableStatus(status, 'x', idempotent) !== undefined).toBe(retry);
  });
  it.each([
    ['E_CONNREFUSED', false, true], ['E_CONNECT_TIMEOUT', false, true], ['E_DNS_TEMPORARY', false, true], ['E_PROXY_CONNECT', false, true],
    ['E_CONNRESET', false, false], ['E_CONNRESET', true, true], ['E_MAX_TIME', false, false], ['E_MAX_TIME', true, true],
    ['E_DNS', true, false], ['E_TLS_UNTRUSTED', true, false],
  ] as [ErrorCode, boolean, boolean][])('%s (idempotent: %s) -> %s', (code, idempotent, retry) => {
    const error = code.includes('TIME') ? new TimeoutError('t', code) : new NetworkError('n', code);
    expect(retryableError(error, idempotent) !== undefined).toBe(retry);
  });
});

describe('delays', () => {
  it('Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
  });
  it('exponential backoff with jitter, capped', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(1, () => 0)).toBe(1000);
    expect(backoffMs(1, () => 0.999)).toBe(2998);
    expect(backoffMs(20, () => 0.5)).toBe(30000);
  });
});

describe('withRetries', () => {
  function answers(statuses: Array<number | Error>, headers: Record<string, string> = {}) {
    const discarded: number[] = [];
    let calls = 0;
    const attempt = async (): Promise<AttemptResponse> => {
      const next = statuses[Math.min(calls++, statuses.length - 1)]!;
      if (next instanceof Error) throw next;
      return { status: next, statusText: String(next), headers, discard: async () => void discarded.push(next) };
    };
    return { attempt, discarded, calls: () => calls };
  }
  const clock = () => {
    let time = 0;
    const delays: number[] = [];
    return { now: () => time, sleep: async (ms: number) => void (delays.push(ms), (time += ms)), delays, random: () => 0.5 };
  };

  it('retries up to the limit, reporting each retry, and returns the last answer', async () => {
    const { attempt, discarded, calls } = answers([503, 503, 503]);
    const c = clock();
    const messages: string[] = [];
    const response = await withRetries(attempt, { retries: 2, retryMaxTimeMs: 0, idempotent: false, onRetry: (m) => messages.push(m), ...c });
    expect(response.status).toBe(503);
    expect(calls()).toBe(3);
    expect(discarded).toEqual([503, 503]);
    expect(c.delays).toEqual([1000, 2000]);
    expect(messages).toEqual(['retrying in 1.0 s (503 503), 1 left', 'retrying in 2.0 s (503 503), 0 left']);
  });

  it('honours Retry-After over the backoff and a fixed delay', async () => {
    const c = clock();
    await withRetries(answers([429, 200], { 'retry-after': '7' }).attempt, { retries: 3, retryMaxTimeMs: 0, retryDelayMs: 100, idempotent: false, ...c });
    expect(c.delays).toEqual([7000]);
  });

  it('stops when the next pause would pass --retry-max-time', async () => {
    const c = clock();
    const { attempt, calls } = answers([503], { 'retry-after': '5' });
    await withRetries(attempt, { retries: 5, retryMaxTimeMs: 12_000, idempotent: false, ...c });
    expect(calls()).toBe(3);
  });

  it('does not retry a create after the request may have been sent', async () => {
    const reset = new NetworkError('reset', 'E_CONNRESET');
    const { attempt, calls } = answers([reset, 200]);
    await expect(withRetries(attempt, { retries: 3, retryMaxTimeMs: 0, idempotent: false, ...clock() })).rejects.toBe(reset);
    expect(calls()).toBe(1);
    const again = answers([reset, 200]);
    expect((await withRetries(again.attempt, { retries: 3, retryMaxTimeMs: 0, idempotent: true, ...clock() })).status).toBe(200);
  });
});

describe('proxy selection', () => {
  const https = new URL('https://api.oneoffice.test/x');
  const http = new URL('http://api.oneoffice.test:8080/x');
  it('by scheme, lower case first, flag over environment', () => {
    expect(proxyFor(https, { HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2' })?.href).toBe('http://b:2/');
    expect(proxyFor(http, { HTTPS_PROXY: 'http://a:1' })).toBeUndefined();
    expect(proxyFor(http, { HTTP_PROXY: 'proxy.corp:3128' })?.href).toBe('http://proxy.corp:3128/');
    expect(proxyFor(https, { HTTPS_PROXY: 'http://a:1' }, 'http://c:3')?.href).toBe('http://c:3/');
  });
  it.each([
    ['*', true], ['oneoffice.test', true], ['.oneoffice.test', true], ['*.oneoffice.test', true], ['api.oneoffice.test:443', true],
    ['api.oneoffice.test:8443', false], ['other.test, fice.test', false], ['', false],
  ])('NO_PROXY=%j bypasses https://api.oneoffice.test: %s', (noProxy, expected) => {
    expect(bypassed(https, noProxy)).toBe(expected);
  });
  it('masks a proxy password for display', () => {
    expect(maskedUrl(new URL('http://user:secret@proxy:3128'))).toBe('http://user:****@proxy:3128/');
  });
});

describe('headers of a direct call, as undici gives them', () => {
  it.each([
    ['names lower-cased', ['Content-Type', 'application/json'], { 'content-type': 'application/json' }],
    ['a repeated header becomes an array, in order', ['Set-Cookie', 'a=1', 'x', '0', 'set-cookie', 'b=2', 'SET-COOKIE', 'c=3'], { 'set-cookie': ['a=1', 'b=2', 'c=3'], x: '0' }],
    ['an empty value is kept', ['x-empty', ''], { 'x-empty': '' }],
    ['no headers', [], {}],
  ])('%s', (_name, raw, expected) => {
    expect(headersFromRaw(raw)).toEqual(expected);
  });
});

describe('the words for a status, without node:http', () => {
  it("are node:http's STATUS_CODES, every one, and none for a status it has none for", () => {
    const codes = Array.from({ length: 600 }, (_, status) => status);
    expect(Object.fromEntries(codes.map((status) => [status, statusTextOf(status)]).filter(([, text]) => text !== ''))).toEqual(STATUS_CODES);
    expect(statusTextOf(299)).toBe('');
  });
});

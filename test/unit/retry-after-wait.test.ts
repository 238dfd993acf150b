// A Retry-After is waited for in full by every path that sends through the shared pace (the library
// client, oneoffice test's steps, a batch's retries): the e2e rate-limit tests run the mock's bucket
// on a hurried clock (helpers/clock.ts), so a client waiting only part of what it was told passes
// them. Here the clock is injected and moves only when the client sleeps: no timing window.
import { describe, expect, it } from 'vitest';
import { executeWhole } from '../../src/client/executor.js';
import { Throttle } from '../../src/client/throttle.js';
import { buildCall } from '../../src/api/request.js';
import type { Transport, WholeResponse } from '../../src/http/transport.js';

/** A clock that moves only when someone sleeps on it. */
function sleepingClock() {
  let ms = 5_000_000;
  return { now: () => ms, sleep: async (by: number) => void (ms += by) };
}

/** A server answering from a list, 429 with `Retry-After` first; records the clock at each send. */
function answering(statuses: number[], retryAfter: string, now: () => number) {
  const sentAt: number[] = [];
  const answer = (status: number): WholeResponse => ({
    status,
    statusText: status === 429 ? 'Too Many Requests' : 'OK',
    headers: status === 429 ? { 'retry-after': retryAfter } : {},
    text: status === 429 ? '"slow down"' : '{"id":1}',
    truncated: false,
    firstByteAt: now(),
    discard: async () => undefined,
  });
  const transport: Transport = {
    send: () => Promise.reject(new Error('not streamed here')),
    sendWhole: async () => answer(statuses[Math.min(sentAt.push(now()), statuses.length) - 1] ?? 200),
    close: async () => undefined,
  };
  return { transport, sentAt };
}

const call = buildCall({ url: new URL('http://127.0.0.1:9/'), token: 't', apiMethod: 'createUser', params: { email: 'a@b.example' } });

describe('a Retry-After is waited for in full', () => {
  it('a call retried after a 429 is sent again only once the whole Retry-After has passed', async () => {
    const clock = sleepingClock();
    const server = answering([429, 200], '3', clock.now);
    const throttle = new Throttle({ concurrency: 1, now: clock.now });
    const done = await executeWhole(server.transport, call, 1024, { retry: { retries: 1, retryMaxTimeMs: 0, idempotent: false }, throttle, sleep: clock.sleep, now: clock.now, random: () => 0.5 });
    expect(done).toMatchObject({ kind: 'answer', attempts: 2, head: { status: 200 } });
    expect(server.sentAt).toHaveLength(2);
    expect(server.sentAt[1]! - server.sentAt[0]!).toBeGreaterThanOrEqual(3000);
  });

  it('the next call of the run, not retried itself, waits out the pause another call was told', async () => {
    const clock = sleepingClock();
    const server = answering([429, 200], '2', clock.now);
    const throttle = new Throttle({ concurrency: 2, now: clock.now });
    const noRetry = { retry: { retries: 0, retryMaxTimeMs: 0, idempotent: false }, throttle, sleep: clock.sleep, now: clock.now };
    const first = await executeWhole(server.transport, call, 1024, noRetry);
    expect(first).toMatchObject({ kind: 'answer', head: { status: 429 } });
    const second = await executeWhole(server.transport, call, 1024, noRetry);
    expect(second).toMatchObject({ kind: 'answer', head: { status: 200 } });
    expect(server.sentAt[1]! - server.sentAt[0]!).toBeGreaterThanOrEqual(2000);
  });

  it('a Retry-After given as a date is waited for until that date', async () => {
    const clock = sleepingClock();
    const wall = Date.parse('Mon, 07 Dec 2026 12:00:00 GMT');
    const server = answering([429, 200], 'Mon, 07 Dec 2026 12:00:05 GMT', clock.now);
    const throttle = new Throttle({ concurrency: 1, now: clock.now, wallNow: () => wall });
    const done = await executeWhole(server.transport, call, 1024, { retry: { retries: 1, retryMaxTimeMs: 0, idempotent: false }, throttle, sleep: clock.sleep, now: () => wall, random: () => 0.5 });
    expect(done).toMatchObject({ kind: 'answer', attempts: 2, head: { status: 200 } });
    expect(server.sentAt[1]! - server.sentAt[0]!).toBeGreaterThanOrEqual(5000);
  });
});

// `oneoffice mock`'s --fail-rate and --latency switches, as the command takes them. The wire protocol
// of its server (other HTTP methods, broken bodies, concurrent calls) is test/unit/mock-wire.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logPathOf } from '../../src/mock/state-log.js';
import { apiCall, killMockProcesses, runCliAgainst, startMockProcess } from '../helpers/mock-process.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'mock-http-test-token';

describe('--fail-rate and --latency', () => {
  afterEach(killMockProcesses);

  it('--fail-rate 1 answers every call 503 with Retry-After, and the CLI exits 5', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--fail-rate', '1', '--quiet']);
    const response = await apiCall(mock, 'createUser', { email: 'fail@b.cd' });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toBe('application/json');
    expect(typeof JSON.parse(response.body)).toBe('string');
    const result = await runCliAgainst(mock, ['getUserByEmail', '--email', 'fail@b.cd']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('server answered 503 Service Unavailable: service unavailable (simulated failure): retry after 1 second');
  });

  it('--fail-rate 0.5 fails some calls and serves the others normally', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--fail-rate', '0.5', '--quiet']);
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => apiCall(mock, 'createUser', { email: `half${i}@b.cd` })));
    const statuses = new Set(responses.map((r) => r.status));
    // 200 calls at 50%: all succeeding or all failing has a probability of 2^-199.
    expect([...statuses].sort()).toEqual([200, 503]);
  });

  it('--latency holds each answer back (the call itself is done at once), then answers it unchanged', async () => {
    // No clock is read: a latency longer than any test (10 minutes) holds the answer, and the call's
    // change is already on disk (--state writes it before the wait), so the answer cannot have come;
    // a stop releases it (the answer says the connection closes: it was sent while stopping). Measuring the wait against Date.now() failed where the answer came less
    // than a millisecond past 300 ms (the server's timers count whole milliseconds) or the clock was set.
    const state = join(tempDir('latency'), 'state.json');
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--latency', '600000', '--state', state, '--quiet']);
    let answered = false;
    const pending = apiCall(mock, 'createUser', { email: 'held@b.cd' }).then((response) => {
      answered = true;
      return response;
    });
    await waitFor(() => existsSync(logPathOf(state)) && readFileSync(logPathOf(state), 'utf8').includes('held@b.cd'), 'the mock to record the new user');
    expect(answered).toBe(false);
    expect(await mock.stop('SIGTERM')).toBe(0);
    const held = await pending;
    expect([held.status, held.headers['connection']]).toEqual([200, 'close']);
    expect(JSON.parse(held.body)).toMatchObject({ email: 'held@b.cd', id: 1 });
  });

  it('--latency ends by itself: a short one answers unchanged', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--latency', '300', '--quiet']);
    const response = await apiCall(mock, 'createUser', { email: 'slow@b.cd' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ email: 'slow@b.cd', id: 1 });
  });
});

// `oneoffice mock`'s --fail-rate and --latency switches, as the command takes them. The wire protocol
// of its server (other HTTP methods, broken bodies, concurrent calls) is test/unit/mock-wire.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { apiCall, killMockProcesses, runCliAgainst, startMockProcess } from '../helpers/mock-process.js';

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

  it('--latency delays the answer, which is otherwise unchanged', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--latency', '300', '--quiet']);
    const started = Date.now();
    const response = await apiCall(mock, 'createUser', { email: 'slow@b.cd' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ email: 'slow@b.cd', id: 1 });
  });
});

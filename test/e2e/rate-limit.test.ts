// Rate limits end to end: `oneoffice mock --rate-limit` answering 429 with Retry-After, and batch,
// test and the library client sharing one pause among their calls, each against a real mock. The
// limits are slow (one call per second or two), so that no assertion depends on how fast this
// machine is: a slower machine only spaces the calls further apart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordsIn } from '../helpers/batch.js';
import { hurriedClock } from '../helpers/clock.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { apiCall, killMockProcesses, startMockProcess } from '../helpers/mock-process.js';
import { createClient, startMockServer } from '../../src/index.js';

const TOKEN = 'rate-limit-test-token-0123456789ab';
const dir = tempDir('rate-limit');
afterAll(killMockProcesses);

const statuses = (log: string) => log.split('\n').filter((line) => /^\w+ \d{3} /.test(line)).map((line) => line.split(' ').slice(0, 2).join(' '));

describe('oneoffice mock --rate-limit', () => {
  it('answers a call beyond the rate 429 with Retry-After in whole seconds, and does nothing for it', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--rate-limit', '0.01']);
    const before = performance.now();
    const first = await apiCall(mock, 'createUser', { email: 'first@rate.example' });
    const second = await apiCall(mock, 'createUser', { email: 'second@rate.example' });
    const betweenS = (performance.now() - before) / 1000;
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    // 100 s for the bucket to refill after the first call, less the time between the two: on a loaded
    // machine that may pass a whole second, so the bound is what this test saw pass, not a guess.
    expect(second.headers['retry-after']).toMatch(/^\d+$/);
    const retryAfterS = Number(second.headers['retry-after']);
    expect(retryAfterS).toBeLessThanOrEqual(100);
    expect(retryAfterS).toBeGreaterThanOrEqual(Math.ceil(100 - betweenS));
    expect(JSON.parse(second.body)).toBe(`rate limit of 0.01 calls per second exceeded: retry after ${retryAfterS} s`);
    expect(mock.stderr()).toContain(', at most 0.01 calls/s (429 with Retry-After beyond); Ctrl-C stops it');
    await mock.stop();
  });

  it('--print json tells scripts the limit; a limit that is no number is refused with exit 2', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--rate-limit', '100', '--print', 'json', '--quiet']).catch((error: Error) => error);
    // The helper reads the sh line; the JSON line is in its error.
    expect(String(mock)).toMatch(/unexpected startup line: \{"url":"http:\/\/127\.0\.0\.1:\d+\/","token":"rate-limit-test-token-0123456789ab","pid":\d+,"rateLimit":100\}/);
    await killMockProcesses();
    const bad = await runCli(['mock', '--rate-limit', 'fast'], { env: isolatedEnv() });
    expect(bad).toEqual({ code: 2, stdout: '', stderr: "oneoffice: mock: option '--rate-limit <calls/s>' argument 'fast' is invalid. must be a number of calls per second, at least 0.001\n" });
  });
});

// Each of these waits out real Retry-After seconds, mostly asleep: they run side by side, each
// against its own mock server started in this process, whose bucket runs on a hurried clock
// (helpers/clock.ts): the 429s counted are those a wrong pace would cause, not a late timer.
describe.concurrent('batch, test and the library client under a rate limit share one pause', () => {
  it('one 429 pauses every worker and the pace adapts: each line is created exactly once, with one retry each at most', async () => {
    const log: string[] = [];
    const mock = await startMockServer({ token: TOKEN, rateLimitPerS: 1, now: hurriedClock(), log: (line) => log.push(line) });
    const input = join(dir, 'users.ndjson');
    writeFileSync(input, ['a', 'b', 'c', 'd'].map((name) => JSON.stringify({ method: 'createUser', params: { email: `${name}@batch-rate.example` } })).join('\n') + '\n');
    const results = join(dir, 'results.ndjson');
    // --retry 1: each worker waiting alone (they come back together, one wins the token) fails two lines.
    const result = await runCli(['batch', input, '--concurrency', '4', '--retry', '1', '--results', results], { env: isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN }), timeoutMs: 30000 });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^(oneoffice: warning: line \d: retrying in 1\.0 s \(429 Too Many Requests\), 0 left\n)+batch: 4 calls in \d+\.\d s \(\d+\/s\): 4 ok; [1-3] answers? 429 Too Many Requests \(all calls paused for the Retry-After, then paced, 0\.\d\/s at the end\); results in /);
    expect(recordsIn(results).filter((record) => record['ok'] === true).map((record) => record['line']).sort()).toEqual([1, 2, 3, 4]);
    // Exactly once: four created, and each of them exists.
    expect(statuses(log.join('\n')).filter((entry) => entry === 'createUser 200')).toHaveLength(4);
    for (const name of ['a', 'b', 'c', 'd']) expect((await apiCall(mock, 'getUserByEmail', { email: `${name}@batch-rate.example` })).status).not.toBe(404);
    await mock.close();
  });

  it('test: after a 429 the next steps wait for the pace, so one 429 is all', async () => {
    const log: string[] = [];
    const mock = await startMockServer({ token: TOKEN, rateLimitPerS: 0.5, now: hurriedClock(), log: (line) => log.push(line) });
    const scenario = join(dir, 'steps.yml');
    writeFileSync(scenario, ['steps:', ...['s1', 's2', 's3'].flatMap((name) => ['  - call: createUser', `    params: { email: ${name}@test-rate.example }`])].join('\n') + '\n');
    const result = await runCli(['test', scenario, '--retry', '1'], { env: isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN }), timeoutMs: 30000 });
    expect(result.code).toBe(0);
    // Without the shared pace, step 3 goes right after step 2's retry and meets an empty bucket: a second 429.
    expect(statuses(log.join('\n'))).toEqual(['createUser 200', 'createUser 429', 'createUser 200', 'createUser 200']);
    await mock.close();
  });

  it('the library client: two calls turned away together wait for the same pause, then go one at the pace: both done', async () => {
    const log: string[] = [];
    const server = await startMockServer({ rateLimitPerS: 0.5, now: hurriedClock(), log: (line) => log.push(line) });
    const client = createClient({ url: server.url, token: server.token, retries: 1 });
    try {
      await client.createUser({ email: 'c1@client-rate.example' });
      // Both go out together and are turned away; waiting alone, they would come back together and one would be turned away again (retries: 1).
      await Promise.all([client.createUser({ email: 'c2@client-rate.example' }), client.createUser({ email: 'c3@client-rate.example' })]);
      expect(log.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['createUser 200', 'createUser 429', 'createUser 429', 'createUser 200', 'createUser 200']);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

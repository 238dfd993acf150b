// `oneoffice batch` in this process through main(argv, deps), against the mock server on
// 127.0.0.1: what it sends, the result records, the summary and the exit code. One server for the
// file; each test uses its own e-mail addresses and ids so that tests do not see each other's
// entities. The built CLI's own batch runs (stdin, exit codes, signals, locks) are in test/e2e/batch*.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BATCH_TOKEN, createUsers, DUPLICATE, inputLine, records, TIMING, useBatchBench } from '../helpers/batch.js';
import { isolatedEnv } from '../helpers/cli.js';
import { Capture, runMain, type MainResult } from '../helpers/in-process.js';
import { main } from '../../src/cli/main.js';
import { apiCall } from '../helpers/mock-process.js';
import { useCleanups } from '../helpers/server.js';
import { startMockServer } from '../../src/mock/server.js';

const bench = useBatchBench('batch-sending');
const { fresh, file } = bench;
const { defer, rawServer } = useCleanups();
const line = inputLine;
const users = createUsers;

function batch(args: string[], options: { env?: Record<string, string> } = {}): Promise<MainResult> {
  return runMain(['batch', ...args], options.env ?? bench.env());
}

describe('sending', () => {
  it("each result record carries the call's time_starttransfer and time_total in seconds, before the body", async () => {
    const input = file('timed.ndjson', `${users('timed', 2).join('\n')}\n`);
    const result = await batch([input, '--concurrency', '1']);
    expect(result.code).toBe(0);
    for (const text of result.stdout.split('\n').filter(Boolean)) {
      expect(text).toMatch(/^\{"line":\d,"method":"createUser","status":200,"ok":true,"time_starttransfer":[\d.e-]+,"time_total":[\d.e-]+,"body":\{/);
      const record = JSON.parse(text) as { time_starttransfer: number; time_total: number };
      expect(record.time_starttransfer).toBeGreaterThan(0);
      expect(record.time_total).toBeGreaterThanOrEqual(record.time_starttransfer);
    }
  });

  it('reads CSV: dotted headers build objects, values get the schema types, empty cells are left out', async () => {
    const customers = file('customers.csv', 'id,name,admin.email,admin.display-name\nCSV1,"Comma, Inc.",csv-admin@example.com,"Isa ""The Admin"" Aswath"\nCSV2,Two,csv-admin2@example.com,\n');
    const orders = file('orders.csv', 'customer,id,product,licenses,duration\r\nCSV1,CSV-ORD1,oo-std,25,yearly\r\n');
    const usersCsv = file('users.csv', '# users, then their state\nemail,display-name,instance\ncsv-u1@example.com,"Two\nLines",3\n');
    const updates = file('updates.csv', 'email,is-active\ncsv-u1@example.com,no\n');

    const created = await batch([customers, '--method', 'createCustomer', '--concurrency', '1']);
    expect(created.code).toBe(0);
    expect(records(created.stdout).map((r) => [r['line'], r['ok'], (r['body'] as Record<string, unknown>)['name'], (r['body'] as Record<string, unknown>)['admin']])).toEqual([
      [2, true, 'Comma, Inc.', { email: 'csv-admin@example.com' }],
      [3, true, 'Two', { email: 'csv-admin2@example.com' }],
    ]);
    const ordered = await batch([orders, '--method', 'createFirstOrder']);
    expect(records(ordered.stdout)).toEqual([
      { line: 2, method: 'createFirstOrder', status: 200, ok: true, body: { id: 'CSV-ORD1', type: 'first', customer: 'CSV1', product: 'oo-std', licenses: 25, duration: 'yearly', createdAt: expect.any(Number) } },
    ]);
    const user = await batch([usersCsv, '--method', 'createUser']);
    expect(records(user.stdout)[0]).toMatchObject({ line: 3, ok: true, body: { email: 'csv-u1@example.com', displayName: 'Two\nLines', instance: 3, isActive: true } });
    const updated = await batch([updates, '--method', 'updateUserByEmail']);
    expect(records(updated.stdout)).toEqual([{ line: 2, method: 'updateUserByEmail', status: 200, ok: true, body: true }]);
    expect(JSON.parse((await apiCall(bench.mock, 'getUserByEmail', { email: 'csv-u1@example.com' })).body)).toMatchObject({ isActive: false });
  });

  it('writes results to --results, one record per line, and marks each line in the journal first', async () => {
    const input = file('results.ndjson', `${users('res', 6).join('\n')}\n`);
    const results = fresh('results.out.ndjson');
    const result = await batch([input, '--results', results, '--concurrency', '1']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: expect.stringMatching(new RegExp(`^batch: 6 calls ${TIMING}: 6 ok; results in ${results}\n$`)) });
    const written = records(readFileSync(results, 'utf8'));
    // --concurrency 1: completion order is input order.
    expect(written.map((r) => r['line'])).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [index, record] of written.entries()) {
      expect(Object.keys(record)).toEqual(['line', 'method', 'status', 'ok', 'body']);
      expect(record).toMatchObject({ method: 'createUser', status: 200, ok: true, body: { email: `res${index + 1}@example.com` } });
    }
    const journal = records(readFileSync(`${results}.journal`, 'utf8'));
    expect(journal[0]).toEqual({ journal: 'oneoffice batch journal', input, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: statSync(input).size, format: 'ndjson', method: null, url: bench.mock.url, check: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(journal.slice(1)).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ line: n, sending: true })));
  });

  it('runs with --concurrency 8 and --rate; every line gets exactly one result', async () => {
    const input = file('rate.ndjson', `${users('rate', 30).join('\n')}\n`);
    const result = await batch([input, '--concurrency', '8', '--rate', '200']);
    expect(result.code).toBe(0);
    const lines = records(result.stdout).map((r) => r['line']);
    expect([...lines].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(records(result.stdout).every((r) => r['ok'] === true)).toBe(true);
  });

  it('a network failure is a result with status null and its code; exit 6', async () => {
    const input = file('refused.ndjson', `${users('refused', 2).join('\n')}\n`);
    const env = isolatedEnv({ ONEOFFICE_URL: 'http://127.0.0.1:9/', ONEOFFICE_BEARER: BATCH_TOKEN });
    const result = await batch([input, '--concurrency', '1'], { env });
    expect(result.code).toBe(6);
    const refused = 'cannot connect to 127.0.0.1:9: connection refused';
    expect(records(result.stdout)).toEqual([
      { line: 1, method: 'createUser', status: null, ok: false, code: 'E_CONNREFUSED', error: refused },
      { line: 2, method: 'createUser', status: null, ok: false, code: 'E_CONNREFUSED', error: refused },
    ]);
    expect(result.stderr).toMatch(new RegExp(`^batch: 2 calls ${TIMING}: 0 ok, 2 failed \\(2 network\\)\n$`));
  });
});

describe('engine', () => {
  /** main() with an engineFlags hook that records what the command asks of V8 (the CLI's own process sets them). */
  async function flagsOf(args: string[]): Promise<{ code: number; flags: string[] }> {
    const flags: string[] = [];
    const deps = { stdout: new Capture(), stderr: new Capture(), stdin: new PassThrough(), env: bench.env(), engineFlags: async (asked: readonly string[]) => void flags.push(...asked) };
    const code = await main(['batch', ...args], deps);
    return { code, flags };
  }

  it("a batch that sends keeps undici's WebAssembly parser on the baseline compiler; a dry run asks nothing of the engine", async () => {
    const input = file('engine.ndjson', `${users('engine', 2).join('\n')}\n`);
    expect(await flagsOf([input, '--dry-run'])).toEqual({ code: 0, flags: [] });
    expect(await flagsOf([input])).toEqual({ code: 0, flags: ['--liftoff-only'] });
  });
});

describe('failures', () => {
  it('a duplicate createUser line fails with the server message; the others succeed; exit 4', async () => {
    const input = file('dup.ndjson', `${[...users('dup', 3), line('createUser', { email: 'dup2@example.com' })].join('\n')}\n`);
    const result = await batch([input, '--concurrency', '1']);
    expect(result.code).toBe(4);
    expect(records(result.stdout).map((r) => [r['line'], r['ok'], r['error']])).toEqual([[1, true, undefined], [2, true, undefined], [3, true, undefined], [4, false, DUPLICATE]]);
    expect(result.stderr).toMatch(new RegExp(`^batch: 4 calls ${TIMING}: 3 ok, 1 failed \\(1 HTTP 4xx\\)\n$`));
  });

  it('--stop-on-error starts nothing after the first failure, and says how to go on', async () => {
    const input = file('stop.ndjson', `${[...users('stop', 2), line('createUser', { email: 'stop1@example.com' }), ...users('stop-after', 5)].join('\n')}\n`);
    const results = fresh('stop.results.ndjson');
    const result = await batch([input, '--stop-on-error', '--concurrency', '1', '--results', results]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      new RegExp(`^batch: 3 calls ${TIMING}: 2 ok, 1 failed \\(1 HTTP 4xx\\); stopped after the failure on line 3 \\(--stop-on-error\\), 5 not sent; results in ${results}\nbatch: to run the rest: oneoffice batch ${input} --results ${results} --resume\n$`),
    );
    expect(records(readFileSync(results, 'utf8')).map((r) => [r['line'], r['ok']])).toEqual([[1, true], [2, true], [3, false]]);

    // Resuming runs the rest; the failed line has its (final) result and is not sent again, but it
    // still counts: in the summary and in the exit code.
    const resumed = await batch([input, '--results', results, '--resume', '--concurrency', '1']);
    expect(resumed.code).toBe(4);
    expect(resumed.stderr).toMatch(new RegExp(`^batch: 5 calls ${TIMING}: 5 ok; 3 lines skipped \\(results from before, 1 of them failed: not sent again \\(--retry-failed would\\)\\); results in ${results}\n$`));
    expect(records(readFileSync(results, 'utf8')).map((r) => r['line'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('resume', () => {
  it('skips finished lines; a line sent without a result is uncertain and not sent again unless --retry-uncertain', async () => {
    const input = file('resume.ndjson', `${users('resume', 4).join('\n')}\n`);
    const results = fresh('resume.results.ndjson');
    expect((await batch([input, '--results', results, '--concurrency', '1'])).code).toBe(0);
    // As if killed after line 4 was sent but before its answer was written.
    const written = readFileSync(results, 'utf8').split('\n');
    writeFileSync(results, `${written.slice(0, 3).join('\n')}\n`);

    const resumed = await batch([input, '--results', results, '--resume']);
    expect(resumed).toEqual({
      code: 6,
      stdout: '',
      stderr: `batch: 0 calls in ${resumed.stderr.match(/in (\d+\.\d) s/)?.[1]} s; 3 lines skipped (results from before); 1 uncertain (line 4): sent, but no answer was recorded; not sent again (--retry-uncertain would); results in ${results}\n`,
    });
    const uncertain = records(readFileSync(results, 'utf8')).slice(3);
    expect(uncertain).toEqual([{ line: 4, method: 'createUser', status: null, ok: false, uncertain: true, code: 'E_UNCERTAIN', error: expect.stringContaining('no answer was recorded') }]);

    // Reported again by every resume, but recorded once.
    expect((await batch([input, '--results', results, '--resume'])).code).toBe(6);
    expect(records(readFileSync(results, 'utf8'))).toHaveLength(4);

    // --retry-uncertain sends it again: here it had been done, so the server refuses a second one.
    const retried = await batch([input, '--results', results, '--resume', '--retry-uncertain']);
    expect(retried.code).toBe(4);
    expect(records(readFileSync(results, 'utf8')).slice(4)).toEqual([{ line: 4, method: 'createUser', status: 400, ok: false, code: 'E_HTTP_4XX', error: DUPLICATE, body: DUPLICATE }]);
  });

  it('refuses a results file that holds a batch without --resume, and resuming with other input', async () => {
    const input = file('refuse.ndjson', `${users('refuse', 1).join('\n')}\n`);
    const results = fresh('refuse.results.ndjson');
    expect((await batch([input, '--results', results])).code).toBe(0);
    expect(await batch([input, '--results', results])).toEqual({
      code: 2,
      stdout: '',
      stderr: `oneoffice: --results: ${results} already holds a batch: add --resume to continue it, or choose another file\n`,
    });
    const other = file('other.ndjson', `${users('other', 1).join('\n')}\n`);
    const result = await batch([other, '--results', results, '--resume']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `oneoffice: --resume: ${results} was written for other input (${input}, different content); resuming would skip or repeat the wrong lines\n`,
    });
    expect(existsSync(`${results}.journal`)).toBe(true);
  });
});

describe('timeouts and retries per call', () => {
  it('--max-time bounds each call: a server that never answers gives E_MAX_TIME and exit 7', async () => {
    const silent = await rawServer(() => undefined);
    const input = file('silent.ndjson', `${users('silent', 2).join('\n')}\n`);
    const env = isolatedEnv({ ONEOFFICE_URL: `http://127.0.0.1:${silent.port}/`, ONEOFFICE_BEARER: BATCH_TOKEN });
    const result = await batch([input, '--max-time', '0.3'], { env });
    expect(result.code).toBe(7);
    const error = `no complete answer from 127.0.0.1:${silent.port} within 0.3 s (--max-time)`;
    expect(records(result.stdout).sort((a, b) => Number(a['line']) - Number(b['line']))).toEqual([
      { line: 1, method: 'createUser', status: null, ok: false, code: 'E_MAX_TIME', error },
      { line: 2, method: 'createUser', status: null, ok: false, code: 'E_MAX_TIME', error },
    ]);
  });

  it('a server that closes its side mid-body is a network failure of that line (exit 6): a read is sent again, a create is not', async () => {
    const cutting = await rawServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partial":')));
    const env = isolatedEnv({ ONEOFFICE_URL: `http://127.0.0.1:${cutting.port}/`, ONEOFFICE_BEARER: BATCH_TOKEN });
    const input = file('cut.ndjson', `${line('getUserByEmail', { email: 'cut-1@example.com' })}\n${line('createUser', { email: 'cut-2@example.com' })}\n`);
    const result = await batch([input, '--concurrency', '1', '--retry', '1', '--retry-delay', '0'], { env });
    expect(result.code).toBe(6);
    const reset = `connection to 127.0.0.1:${cutting.port} was reset`;
    expect(records(result.stdout).map(({ time_total: _time, ...record }) => record)).toEqual([
      { line: 1, method: 'getUserByEmail', status: null, ok: false, code: 'E_CONNRESET', error: reset, attempts: 2 },
      { line: 2, method: 'createUser', status: null, ok: false, code: 'E_CONNRESET', error: reset },
    ]);
    expect(cutting.requests()).toBe(3);
  });

  it('503 answers are retried per call, and the record counts the attempts', async () => {
    const flaky = await startMockServer({ token: BATCH_TOKEN, failRate: 1 });
    defer(flaky.close);
    const input = file('flaky.ndjson', `${users('flaky', 1).join('\n')}\n`);
    const env = isolatedEnv({ ONEOFFICE_URL: flaky.url, ONEOFFICE_BEARER: BATCH_TOKEN });
    const result = await batch([input, '--retry', '2', '--retry-delay', '0.05'], { env });
    expect(result.code).toBe(5);
    const [record] = records(result.stdout);
    expect(record).toMatchObject({ line: 1, method: 'createUser', status: 503, ok: false, code: 'E_HTTP_5XX', attempts: 3 });
  });
});

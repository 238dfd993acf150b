// Nothing lost, nothing twice: a batch killed with SIGKILL at random moments, resumed each time,
// ends with one final result per line (or an "uncertain" report), and the server holds every
// entity once; Ctrl-C stops cleanly and says how to resume. Against `oneoffice mock --latency`,
// so that calls are in flight when the signal comes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, ROOT, runCli } from '../helpers/cli.js';
import { killMockProcesses, startMockProcess, type MockProcess } from '../helpers/mock-process.js';
import { NO_POSIX_SIGNALS } from '../helpers/platform.js';

const TOKEN = 'batch-crash-token-0123456789abcdef';

afterEach(killMockProcesses);

interface Child {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function startBatch(mock: MockProcess, args: string[]): Child {
  const env = isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN });
  const child = spawn(process.execPath, [BIN, 'batch', ...args], { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { exited, stderr: () => stderr, kill: (signal) => child.kill(signal) };
}

function size(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Resolves once the file has grown past `bytes` (calls are being sent). */
async function grownPast(path: string, bytes: number, child: Child): Promise<boolean> {
  let done = false;
  void child.exited.then(() => (done = true));
  while (!done && size(path) <= bytes) await new Promise((resolve) => setTimeout(resolve, 10));
  return !done;
}

function records(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.skipIf(NO_POSIX_SIGNALS)('kill -9 at random moments, then --resume', () => {
  it('every line ends with one final result or one uncertain report; no entity is created twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oneoffice-batch-crash-'));
    const statePath = join(dir, 'state.json');
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--quiet', '--latency', '10', '--state', statePath]);
    const COUNT = 3000;
    const lines = Array.from({ length: COUNT }, (_, i) =>
      i % 3 === 2
        ? JSON.stringify({ method: 'createCustomer', params: { id: `K${i + 1}`, name: `Customer ${i + 1}`, admin: { email: `k-admin${i + 1}@example.com` } } })
        : JSON.stringify({ method: 'createUser', params: { email: `k${i + 1}@example.com` } }),
    );
    const input = join(dir, 'calls.ndjson');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const results = join(dir, 'results.ndjson');
    const journal = `${results}.journal`;
    const args = [input, '--results', results, '--concurrency', '8'];

    let kills = 0;
    for (let round = 0; round < 4; round++) {
      const child = startBatch(mock, round === 0 ? args : [...args, '--resume']);
      // Once this run has marked a line as sending, kill it a random while later.
      if (await grownPast(journal, Math.max(size(journal), 200) + 50, child)) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
        child.kill('SIGKILL');
        kills++;
      }
      const { signal, code } = await child.exited;
      if (signal !== 'SIGKILL') expect([0, 6]).toContain(code);
    }
    expect(kills).toBeGreaterThan(0);

    const last = await runCli(['batch', ...args, '--resume'], { env: isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN }), timeoutMs: 60000 });
    expect(last.stderr).toMatch(/^batch: \d+ calls? in /);
    expect(await mock.stop('SIGTERM')).toBe(0);

    const byLine = new Map<number, Array<Record<string, unknown>>>();
    for (const record of records(results)) byLine.set(record['line'] as number, [...(byLine.get(record['line'] as number) ?? []), record]);
    const uncertain = new Set<number>();
    const ok = new Set<number>();
    for (let n = 1; n <= COUNT; n++) {
      const recorded = byLine.get(n) ?? [];
      expect(recorded, `line ${n}`).toHaveLength(1);
      const [record] = recorded as [Record<string, unknown>];
      // A failure would be the server refusing a second createUser or createCustomer.
      if (record['uncertain'] === true) uncertain.add(n);
      else {
        expect(record, `line ${n}`).toMatchObject({ ok: true, status: 200 });
        ok.add(n);
      }
    }
    expect(last.code).toBe(uncertain.size ? 6 : 0);

    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { users: Array<{ email: string }>; customers: Array<{ remoteId: string }> };
    const entityLine = (key: string) => Number(/\d+/.exec(key)?.[0]);
    const entities = [...state.users.map((user) => entityLine(user.email)), ...state.customers.map((customer) => entityLine(customer.remoteId))];
    expect(new Set(entities).size).toBe(entities.length);
    // Every line that succeeded is on the server; everything else on it came from an uncertain line.
    for (const n of ok) expect(entities).toContain(n);
    for (const n of entities) expect(ok.has(n) || uncertain.has(n), `entity of line ${n}`).toBe(true);
    expect(entities.length).toBe(ok.size + entities.filter((n) => uncertain.has(n)).length);
  }, 120000);
});

describe.skipIf(NO_POSIX_SIGNALS)('Ctrl-C', () => {
  it('stops starting calls, lets those in flight finish, exits 130 with the resume command; resuming finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oneoffice-batch-int-'));
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--quiet', '--latency', '20']);
    const input = join(dir, 'calls.ndjson');
    writeFileSync(input, `${Array.from({ length: 400 }, (_, i) => JSON.stringify({ method: 'createUser', params: { email: `int${i + 1}@example.com` } })).join('\n')}\n`);
    const results = join(dir, 'results.ndjson');
    const child = startBatch(mock, [input, '--results', results, '--concurrency', '4']);
    expect(await grownPast(results, 0, child)).toBe(true);
    child.kill('SIGINT');
    expect(await child.exited).toEqual({ code: 130, signal: null });
    expect(child.stderr()).toMatch(
      new RegExp(`^batch: \\d+ calls in \\d+\\.\\d s \\(\\d+/s\\): \\d+ ok; interrupted \\(SIGINT\\): \\d+ not sent; results in ${results}\nbatch: to run the rest: oneoffice batch ${input} --results ${results} --resume\n$`),
    );
    const first = records(results);
    expect(first.every((record) => record['ok'] === true)).toBe(true);
    expect(first.length).toBeLessThan(400);

    const resumed = await runCli(['batch', input, '--results', results, '--resume'], { env: isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN }), timeoutMs: 60000 });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`; ${first.length} lines skipped (results from before); results in ${results}\n`);
    const all = records(results);
    expect(all.map((record) => record['line']).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(all.every((record) => record['ok'] === true)).toBe(true);
  }, 60000);
});

describe.skipIf(NO_POSIX_SIGNALS)('SIGHUP (a closed terminal or a dropped ssh session)', () => {
  it('stops the batch the way Ctrl-C does: the calls in flight finish, exit 129, the resume command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oneoffice-batch-hup-'));
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--quiet', '--latency', '20']);
    const input = join(dir, 'calls.ndjson');
    writeFileSync(input, `${Array.from({ length: 400 }, (_, i) => JSON.stringify({ method: 'createUser', params: { email: `hup${i + 1}@example.com` } })).join('\n')}\n`);
    const results = join(dir, 'results.ndjson');
    const child = startBatch(mock, [input, '--results', results, '--concurrency', '4']);
    expect(await grownPast(results, 0, child)).toBe(true);
    child.kill('SIGHUP');
    expect(await child.exited).toEqual({ code: 129, signal: null });
    expect(child.stderr()).toMatch(
      new RegExp(`^batch: \\d+ calls in \\d+\\.\\d s \\(\\d+/s\\): \\d+ ok; interrupted \\(SIGHUP\\): \\d+ not sent; results in ${results}\nbatch: to run the rest: oneoffice batch ${input} --results ${results} --resume\n$`),
    );
    const recorded = records(results);
    expect(recorded.length).toBeLessThan(400);
    expect(recorded.every((record) => record['ok'] === true)).toBe(true);
  }, 60000);
});

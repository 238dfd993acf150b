// Nothing lost, nothing twice: a batch killed with SIGKILL at random points, resumed each time, ends
// with one final result per line (or an "uncertain" report), and the server has done each line at
// most once; Ctrl-C and SIGHUP stop cleanly and say how to resume. The server (on 127.0.0.1, in
// this process) holds its answers back from a chosen call on, so calls are in flight when the signal
// comes because the test made it so, not because a timer happened to fire in time.
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { recordsIn, startBatch, type BatchExit, type BatchRecord } from '../helpers/batch.js';
import { NO_POSIX_SIGNALS } from '../helpers/platform.js';
import { useRecordingServer, type Received } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'batch-crash-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

/** What a line creates: the user's e-mail or the customer's id. */
function keyOf(request: Received): string {
  const { params } = JSON.parse(request.body) as { params: { email?: string; id?: string } };
  return (params.id ?? params.email) as string;
}

/**
 * A server that does each entity once (a second create is refused with 400, as the real API does)
 * and answers at once until told to hold: from then on every answer waits for release().
 */
function entityServer(): { holdFrom: (calls: number) => void; held: () => number; release: () => void; timesDone: (key: string) => number; done: () => string[] } {
  const seen = new Map<string, number>();
  const waiting: Array<() => void> = [];
  let answeredBeforeHold = Infinity;
  let answered = 0;
  const answer = (request: Received, res: ServerResponse) => {
    const key = keyOf(request);
    const times = (seen.get(key) ?? 0) + 1;
    seen.set(key, times);
    res.writeHead(times === 1 ? 200 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify(times === 1 ? { key } : 'duplicate key value violates unique constraint'));
  };
  rec.server.respond((request, res) => {
    if (answered < answeredBeforeHold) {
      answered++;
      answer(request, res);
    } else waiting.push(() => answer(request, res));
  });
  const release = () => {
    answeredBeforeHold = Infinity;
    for (const go of waiting.splice(0)) go();
  };
  openGate = release;
  return {
    holdFrom: (calls) => {
      answered = 0;
      answeredBeforeHold = calls;
    },
    held: () => waiting.length,
    release,
    timesDone: (key) => seen.get(key) ?? 0,
    done: () => [...seen.keys()],
  };
}

/** The gate of the running test, opened after it whatever happened, so no call stays held. */
let openGate: (() => void) | undefined;
afterEach(() => {
  openGate?.();
  openGate = undefined;
});

describe.skipIf(NO_POSIX_SIGNALS)('kill -9 at random points, then --resume', () => {
  it('every line ends with one final result or one uncertain report; no entity is created twice', async () => {
    const dir = tempDir('batch-crash');
    const COUNT = 200;
    const keys = Array.from({ length: COUNT }, (_, i) => (i % 3 === 2 ? `K${i + 1}` : `k${i + 1}@example.com`));
    const lines = keys.map((key, i) =>
      key.startsWith('K')
        ? JSON.stringify({ method: 'createCustomer', params: { id: key, name: `Customer ${i + 1}`, admin: { email: `k-admin${i + 1}@example.com` } } })
        : JSON.stringify({ method: 'createUser', params: { email: key } }),
    );
    const input = join(dir, 'calls.ndjson');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const results = join(dir, 'results.ndjson');
    const args = [input, '--results', results, '--concurrency', '8'];
    const server = entityServer();

    // Each round answers a random number of calls (1 to 30), holds the rest, and is killed while it
    // waits for them: between, its other calls are being recorded, journalled or sent. At most 37
    // lines go per round (30 answered, 7 more in flight), so every round is still running when killed.
    const answeredPerRound = Array.from({ length: 4 }, () => 1 + Math.floor(Math.random() * 30));
    for (const [round, answeredFirst] of answeredPerRound.entries()) {
      server.holdFrom(answeredFirst);
      const child = startBatch(round === 0 ? args : [...args, '--resume'], rec.env, 'ignore');
      await waitFor(() => server.held() > 0, `round ${round + 1} (${answeredPerRound.join(', ')} answered) to have a call held`);
      child.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      server.release();
    }

    const last = await runCli(['batch', ...args, '--resume'], { env: rec.env, timeoutMs: 60000 });
    expect(last.stderr).toMatch(/^batch: \d+ calls? in /);

    const byLine = new Map<number, BatchRecord[]>();
    for (const record of recordsIn(results)) byLine.set(record['line'] as number, [...(byLine.get(record['line'] as number) ?? []), record]);
    const uncertain = new Set<string>();
    for (const [index, key] of keys.entries()) {
      const recorded = byLine.get(index + 1) ?? [];
      const what = `line ${index + 1} (rounds answered ${answeredPerRound.join(', ')})`;
      expect(recorded, what).toHaveLength(1);
      const [record] = recorded as [BatchRecord];
      if (record['uncertain'] === true) {
        uncertain.add(key);
        // Sent or not before the kill: done once at most, never again.
        expect(server.timesDone(key), what).toBeLessThanOrEqual(1);
      } else {
        // A failure here would be the server refusing a second create.
        expect(record, what).toMatchObject({ ok: true, status: 200, body: { key } });
        expect(server.timesDone(key), what).toBe(1);
      }
    }
    expect(uncertain.size).toBeGreaterThan(0);
    expect(last.code).toBe(6);
    // Nothing was done on the server but the lines: every entity there is one of them.
    expect(server.done().every((key) => keys.includes(key))).toBe(true);
  });
});

/** Lines written whole to `path` so far (0 before it exists). */
function wholeLines(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0;
}

/** A batch of `count` createUser lines stopped by `signal` while the server holds its calls. */
async function interrupted(prefix: string, count: number, signal: NodeJS.Signals): Promise<{ input: string; results: string; exit: BatchExit; first: BatchRecord[] }> {
  const dir = tempDir(`batch-${prefix}`);
  const input = join(dir, 'calls.ndjson');
  writeFileSync(input, `${Array.from({ length: count }, (_, i) => JSON.stringify({ method: 'createUser', params: { email: `${prefix}${i + 1}@example.com` } })).join('\n')}\n`);
  const results = join(dir, 'results.ndjson');
  const server = entityServer();
  server.holdFrom(2);
  const child = startBatch([input, '--results', results, '--concurrency', '4'], rec.env, 'ignore');
  // Two results written, the next calls held: the signal comes with calls in flight and lines left.
  await waitFor(() => server.held() > 0 && wholeLines(results) === 2, 'two results and a held call');
  child.kill(signal);
  // The held calls are answered now; they finish, and no new one starts.
  server.release();
  return { input, results, exit: await child.exited, first: recordsIn(results) };
}

describe.skipIf(NO_POSIX_SIGNALS)('Ctrl-C', () => {
  it('stops starting calls, lets those in flight finish, exits 130 with the resume command; resuming finishes', async () => {
    const { input, results, exit, first } = await interrupted('int', 40, 'SIGINT');
    expect([exit.code, exit.signal]).toEqual([130, null]);
    expect(exit.stderr).toMatch(
      new RegExp(`^batch: \\d+ calls in \\d+\\.\\d s \\(\\d+/s\\): \\d+ ok; interrupted \\(SIGINT\\): \\d+ not sent; results in ${results}\nbatch: to run the rest: oneoffice batch ${input} --results ${results} --resume\n$`),
    );
    expect(first.every((record) => record['ok'] === true)).toBe(true);
    expect(first.length).toBeLessThan(40);

    const resumed = await runCli(['batch', input, '--results', results, '--resume'], { env: rec.env, timeoutMs: 60000 });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`; ${first.length} lines skipped (results from before); results in ${results}\n`);
    const all = recordsIn(results);
    expect(all.map((record) => record['line']).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(all.every((record) => record['ok'] === true)).toBe(true);
  });
});

describe.skipIf(NO_POSIX_SIGNALS)('SIGHUP (a closed terminal or a dropped ssh session)', () => {
  it('stops the batch the way Ctrl-C does: the calls in flight finish, exit 129, the resume command', async () => {
    const { input, results, exit, first } = await interrupted('hup', 40, 'SIGHUP');
    expect([exit.code, exit.signal]).toEqual([129, null]);
    expect(exit.stderr).toMatch(
      new RegExp(`^batch: \\d+ calls in \\d+\\.\\d s \\(\\d+/s\\): \\d+ ok; interrupted \\(SIGHUP\\): \\d+ not sent; results in ${results}\nbatch: to run the rest: oneoffice batch ${input} --results ${results} --resume\n$`),
    );
    expect(first.length).toBeLessThan(40);
    expect(first.every((record) => record['ok'] === true)).toBe(true);
  });
});

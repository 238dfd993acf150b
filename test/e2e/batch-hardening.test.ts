// Issue 13, for batch: one process per --results file, a failed write of the results never ends in
// exit 0, a journal emptied after a crash is refused, and a `100 Continue` is not a reset. The built
// CLI against a recording server on 127.0.0.1 whose answers the test holds back or scripts, so
// nothing depends on timing. What needs no process (--resume's counts, --retry-failed, the
// journal's header) runs in-process: test/unit/batch-resume.test.ts.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, ROOT, runCli } from '../helpers/cli.js';
import { records, recordsIn, startBatch, type RunningBatch } from '../helpers/batch.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import { jsonResponder, useRecordingServer, type Received } from '../helpers/server.js';

const TOKEN = 'batch-hardening-token-0123456789';
/** A device on which every write fails with ENOSPC (Linux, the BSDs); absent on Windows. */
const NO_DEV_FULL = !existsSync('/dev/full');
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

const userLines = (prefix: string, count: number): string => Array.from({ length: count }, (_, i) => `${JSON.stringify({ method: 'createUser', params: { email: `${prefix}${i + 1}@example.com` } })}\n`).join('');

/** A temporary directory with an input of `count` createUser lines, and where its results go. */
function batchFiles(prefix: string, count: number): { dir: string; input: string; results: string } {
  const dir = tempDir('batch-hard');
  const input = join(dir, 'in.ndjson');
  writeFileSync(input, userLines(prefix, count));
  return { dir, input, results: join(dir, 'r.ndjson') };
}

/** A batch killed (SIGKILL) while the server holds two of its calls, which it answers afterwards. */
async function killedWithTwoInFlight(input: string, results: string): Promise<void> {
  const gate = holdAnswers();
  const first = startBatch([input, '--results', results, '--concurrency', '2'], rec.env);
  await waitFor(() => gate.held() === 2, 'two calls held');
  first.kill('SIGKILL');
  await first.exited;
  gate.release();
}

function emailOf(request: Received): string {
  return (JSON.parse(request.body) as { params: { email: string } }).params.email;
}

/** The gate of the running test, released after it whatever happened: a failed expectation must not leave calls held for the next test. */
let openGate: (() => void) | undefined;
afterEach(() => {
  openGate?.();
  openGate = undefined;
});

/** Holds every answer back until release() (answering 200 then, and at once afterwards). */
function holdAnswers(): { release: () => void; held: () => number } {
  const waiting: ServerResponse[] = [];
  let released = false;
  const answer = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
  rec.server.respond((_request, res) => (released ? answer(res) : waiting.push(res)));
  const release = () => {
    released = true;
    for (const res of waiting.splice(0)) answer(res);
  };
  openGate = release;
  return { release, held: () => waiting.length };
}

describe('item 1: one process per --results file', () => {
  it('a second run (--resume) on a results file in use fails at once with exit 3 naming the file and the holder, and sends nothing', async () => {
    const { input, results } = batchFiles('lock', 20);
    const gate = holdAnswers();
    const first = startBatch([input, '--results', results, '--concurrency', '4'], rec.env);
    await waitFor(() => gate.held() === 4, 'four calls held');

    // The first run holds four calls, so it has taken the lock and written its pid by now.
    const second = await runCli(['batch', input, '--results', results, '--resume'], { env: rec.env });
    expect(second.code).toBe(3);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(`oneoffice: --results: ${results} is in use by process ${first.pid} (a batch writing to it); wait for it to end, or choose another --results file\n`);
    expect(rec.server.received).toHaveLength(4);

    gate.release();
    expect((await first.exited).code).toBe(0);
    const emails = rec.server.received.map(emailOf);
    expect(emails).toHaveLength(20);
    expect(new Set(emails).size).toBe(20);
    // The lock file goes with the run; the results file and journal stay private.
    expect(existsSync(`${results}.lock`)).toBe(false);
    expect(statSync(results).mode & 0o777).toBe(0o600);
    expect(statSync(`${results}.journal`).mode & 0o777).toBe(0o600);
  });

  it('two fresh runs started together: one runs, the other fails with exit 3; every line is sent once', async () => {
    const { input, results } = batchFiles('pair', 12);
    const gate = holdAnswers();
    const runs = [startBatch([input, '--results', results], rec.env), startBatch([input, '--results', results], rec.env)];
    const loser = await Promise.race(runs.map((run, index) => run.exited.then((result) => ({ index, result }))));
    const winner = runs[1 - loser.index] as RunningBatch;
    // Released before asserting: a failed expectation must not leave the winner's calls held.
    gate.release();
    expect(loser.result.code).toBe(3);
    // The holder writes its pid just after taking the lock (files/lock.ts); a loser that looks in
    // between says "another process". Either way it names no other pid than the winner's.
    const holder = /is in use by (process (\d+)|another process) \(a batch writing to it\)/.exec(loser.result.stderr);
    expect(holder, loser.result.stderr).not.toBeNull();
    if (holder?.[2] !== undefined) expect(Number(holder[2])).toBe(winner.pid);
    expect((await winner.exited).code).toBe(0);
    expect(rec.server.received.map(emailOf).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `pair${i + 1}@example.com`).sort());
    expect(recordsIn(results)).toHaveLength(12);
  });

  it('a run killed with SIGKILL leaves no lock behind: --resume goes on at once', async () => {
    const { input, results } = batchFiles('killed', 6);
    await killedWithTwoInFlight(input, results);
    const resumed = await runCli(['batch', input, '--results', results, '--resume'], { env: rec.env });
    expect(resumed.stderr).toContain('2 uncertain (lines 1, 2)');
    expect(resumed.code).toBe(6);
    expect(rec.server.received.map(emailOf).sort()).toEqual(['killed1@example.com', 'killed2@example.com', 'killed3@example.com', 'killed4@example.com', 'killed5@example.com', 'killed6@example.com']);
  });
});

describe('item 2: a failed write of the results never ends in exit 0', () => {
  it('stdout closed by its reader (| head -1): calls stop, a summary says what was not sent, exit 23', async () => {
    const dir = tempDir('batch-hard');
    const input = join(dir, 'in.ndjson');
    const COUNT = 3000;
    writeFileSync(input, userLines('pipe', COUNT));
    // Records of ~300 bytes: 3000 of them are far more than a pipe holds, so the batch cannot finish first.
    rec.server.respond(jsonResponder(200, { id: 1, note: 'x'.repeat(250) }));
    const running = startBatch([input], rec.env);
    const stdout = running.child.stdout as NonNullable<typeof running.child.stdout>;
    // Like `head -1`: read the first record, then close the pipe.
    await new Promise<void>((resolve) => stdout.once('data', () => resolve()));
    stdout.destroy();
    const { code, stderr } = await running.exited;
    expect(code).toBe(23);
    const summary = stderr.split('\n').filter(Boolean);
    expect(summary).toHaveLength(2);
    expect(summary[0]).toMatch(/^batch: \d+ calls in .*; stopped: cannot write the results to stdout: EPIPE \(the reader closed the pipe\): (\d+) not sent/);
    const notSent = Number(/: (\d+) not sent/.exec(summary[0] as string)?.[1]);
    expect(notSent).toBeGreaterThan(0);
    expect(rec.server.received.length).toBe(COUNT - notSent);
    expect(summary[1]).toBe('batch: the results went to stdout only; run with --results <file> to be able to resume a batch');
  });

  it.skipIf(NO_DEV_FULL)('stdout on a full disk (/dev/full): exit 23 and the summary, no stack trace', async () => {
    const dir = tempDir('batch-hard');
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('full', 50));
    const full = openSync('/dev/full', 'w');
    try {
      const { code, stderr } = await startBatch([input, '--concurrency', '1'], rec.env, full).exited;
      expect(code).toBe(23);
      expect(stderr).not.toContain('    at ');
      expect(stderr).toMatch(/^batch: \d+ calls? in [^\n]*; stopped: cannot write the results to stdout: ENOSPC \(no space left on device\): \d+ not sent/);
    } finally {
      closeSync(full);
    }
  });

  it.skipIf(NO_DEV_FULL)('a --results file on a full disk: calls stop, the summary says how to resume, exit 23', async () => {
    const { input, results } = batchFiles('disk', 40);
    // Every write to the results file fails as on a full disk; the journal beside it still works.
    symlinkSync('/dev/full', results);
    const result = await runCli(['batch', input, '--results', results, '--concurrency', '2'], { env: rec.env });
    expect(result.code).toBe(23);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(new RegExp(`; stopped: cannot write the results to ${results.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOSPC \\(no space left on device\\): \\d+ not sent, \\d+ results? of calls made could not be written; results in `));
    expect(lines[1]).toBe(`batch: to run the rest: oneoffice batch ${input} --results ${results} --resume`);
    expect(lines).toHaveLength(2);
    expect(rec.server.received.length).toBeLessThan(40);
  });

  it.skipIf(NO_DEV_FULL)('a journal that cannot be written: the calls it was to mark are not sent', async () => {
    const { input, results } = batchFiles('journal', 10);
    symlinkSync('/dev/full', `${results}.journal`);
    const result = await runCli(['batch', input, '--results', results], { env: rec.env });
    // Its header cannot be written either: refused before anything is sent.
    expect([result.code, result.stderr]).toEqual([2, `oneoffice: --results: cannot write ${results}.journal: ENOSPC (no space left on device)\n`]);
    expect(rec.server.received).toHaveLength(0);
  });

  it.skipIf(NO_DEV_FULL)('oneoffice methods > /dev/full: one line, exit 23', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [BIN, 'methods'], { env: isolatedEnv(), cwd: ROOT, stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect([code, stderr]).toEqual([23, 'oneoffice: cannot write to stdout: ENOSPC (no space left on device)\n']);
    } finally {
      closeSync(full);
    }
  });

  it.skipIf(NO_DEV_FULL)('a single call whose answer cannot be written to stdout exits 23', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [BIN, 'getUserByEmail', '--email', 'a@b.co'], { env: rec.env, cwd: ROOT, stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect([code, stderr]).toEqual([23, 'oneoffice: cannot write to stdout: ENOSPC (no space left on device)\n']);
      expect(rec.server.received).toHaveLength(1);
    } finally {
      closeSync(full);
    }
  });
});


function batch(args: string[], env = rec.env) {
  return runCli(['batch', ...args], { env });
}

describe('item 5: the journal knows its target and input, and a damaged one is refused', () => {
  it('an emptied journal after a crash with calls in flight is refused: the lines in flight are not sent again', async () => {
    const { input, results } = batchFiles('emptied', 5);
    await killedWithTwoInFlight(input, results);
    writeFileSync(`${results}.journal`, '');
    const result = await batch([input, '--results', results, '--resume']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`oneoffice: --resume: ${results}.journal is damaged (it is empty)`);
    expect(rec.server.received.map(emailOf)).toEqual(['emptied1@example.com', 'emptied2@example.com']);
  });
});

describe('item 21: a 100 Continue before the answer', () => {
  it('is skipped as HTTP says, not recorded as a reset: every call of the batch succeeds', async () => {
    const answer = '{"ok":true}';
    let served = 0;
    // A raw server: node:http would not send a 100 unasked.
    const server = createTcpServer((socket) => {
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString('latin1');
        for (;;) {
          const end = buffered.indexOf('\r\n\r\n');
          if (end === -1) return;
          const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
          if (buffered.length < end + 4 + length) return;
          buffered = buffered.slice(end + 4 + length);
          served++;
          socket.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${answer.length}\r\n\r\n${answer}`);
        }
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
      const dir = tempDir('batch-hard');
      const input = join(dir, 'in.ndjson');
      writeFileSync(input, userLines('continue', 5));
      const result = await runCli(['batch', input, '--url', url, '--concurrency', '2'], { env: isolatedEnv({ ONEOFFICE_BEARER: TOKEN }) });
      expect(result.stderr).toMatch(/^batch: 5 calls in .*: 5 ok\n$/);
      expect(result.code).toBe(0);
      expect(records(result.stdout).map((record) => [record['status'], record['ok'], record['body']]).sort()).toEqual(Array.from({ length: 5 }, () => [200, true, { ok: true }]));
      expect(served).toBe(5);
      // A single call too.
      const single = await runCli(['getUserByEmail', '--email', 'a@b.co', '--url', url], { env: isolatedEnv({ ONEOFFICE_BEARER: TOKEN }) });
      expect([single.code, single.stdout]).toEqual([0, answer]);
    } finally {
      server.close();
    }
  });
});

describe('item 25: the plain-http rule holds for batch too', () => {
  it.each(['http://api.example.com/api', 'http://127.evil.example/api', 'http://localhost.evil.com/api'])('batch --url %s is refused (exit 2) before anything is read or sent', async (url) => {
    const dir = tempDir('batch-hard');
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('plain', 2));
    const result = await batch([input, '--url', url, '--results', join(dir, 'r.ndjson')]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: refusing to send the token over plain http:// to ${new URL(url).hostname}: use https://, or pass --allow-insecure-http\n` });
    expect(existsSync(join(dir, 'r.ndjson'))).toBe(false);
  });

  it('a loopback URL is allowed', async () => {
    const dir = tempDir('batch-hard');
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('loop', 2));
    const result = await batch([input, '--url', `http://localhost:${rec.server.port}/api`]);
    expect(result.code).toBe(0);
    expect(rec.server.received).toHaveLength(2);
  });
});

// Issue 13, for batch: one process per --results file, a failed write of the results never ends in
// exit 0, --resume counts earlier failures and --retry-failed sends them again, the journal knows
// its target and input, and a `100 Continue` is not a reset. The built CLI against a recording
// server on 127.0.0.1 whose answers the test holds back or scripts, so nothing depends on timing.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, ROOT, runCli } from '../helpers/cli.js';
import { jsonResponder, useRecordingServer, type Received } from '../helpers/server.js';

const TOKEN = 'batch-hardening-token-0123456789';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'oneoffice-batch-hard-'));
}

const userLines = (prefix: string, count: number): string => Array.from({ length: count }, (_, i) => `${JSON.stringify({ method: 'createUser', params: { email: `${prefix}${i + 1}@example.com` } })}\n`).join('');

function emailOf(request: Received): string {
  return (JSON.parse(request.body) as { params: { email: string } }).params.email;
}

function records(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface Running {
  pid: number;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startBatch(args: string[], env: Record<string, string>, stdout: 'pipe' | number = 'pipe'): Running {
  const child = spawn(process.execPath, [BIN, 'batch', ...args], { env, cwd: ROOT, stdio: ['ignore', stdout, 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout: out, stderr: err })));
  return { pid: child.pid as number, exited };
}

/** Holds every answer back until release() (answering 200 then, and at once afterwards). */
function holdAnswers(): { release: () => void; held: () => number } {
  const waiting: ServerResponse[] = [];
  let released = false;
  const answer = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
  rec.server.respond((_request, res) => (released ? answer(res) : waiting.push(res)));
  return {
    release: () => {
      released = true;
      for (const res of waiting.splice(0)) answer(res);
    },
    held: () => waiting.length,
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('item 1: one process per --results file', () => {
  it('a second run (--resume) on a results file in use fails at once with exit 3 naming the file and the holder, and sends nothing', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('lock', 20));
    const results = join(dir, 'r.ndjson');
    const gate = holdAnswers();
    const first = startBatch([input, '--results', results, '--concurrency', '4'], rec.env);
    await until(() => gate.held() === 4);

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
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('pair', 12));
    const results = join(dir, 'r.ndjson');
    const gate = holdAnswers();
    const runs = [startBatch([input, '--results', results], rec.env), startBatch([input, '--results', results], rec.env)];
    const loser = await Promise.race(runs.map((run, index) => run.exited.then((result) => ({ index, result }))));
    expect(loser.result.code).toBe(3);
    const winner = runs[1 - loser.index] as Running;
    expect(loser.result.stderr).toContain(`is in use by process ${winner.pid}`);
    gate.release();
    expect((await winner.exited).code).toBe(0);
    expect(rec.server.received.map(emailOf).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `pair${i + 1}@example.com`).sort());
    expect(records(results)).toHaveLength(12);
  });

  it('a run killed with SIGKILL leaves no lock behind: --resume goes on at once', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('killed', 6));
    const results = join(dir, 'r.ndjson');
    const gate = holdAnswers();
    const first = startBatch([input, '--results', results, '--concurrency', '2'], rec.env);
    await until(() => gate.held() === 2);
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    gate.release();
    const resumed = await runCli(['batch', input, '--results', results, '--resume'], { env: rec.env });
    expect(resumed.stderr).toContain('2 uncertain (lines 1, 2)');
    expect(resumed.code).toBe(6);
    expect(rec.server.received.map(emailOf).sort()).toEqual(['killed1@example.com', 'killed2@example.com', 'killed3@example.com', 'killed4@example.com', 'killed5@example.com', 'killed6@example.com']);
  });
});

describe('item 2: a failed write of the results never ends in exit 0', () => {
  it('stdout closed by its reader (| head -1): calls stop, a summary says what was not sent, exit 8', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    const COUNT = 3000;
    writeFileSync(input, userLines('pipe', COUNT));
    // Records of ~300 bytes: 3000 of them are far more than a pipe holds, so the batch cannot finish first.
    rec.server.respond(jsonResponder(200, { id: 1, note: 'x'.repeat(250) }));
    const child = spawn(process.execPath, [BIN, 'batch', input], { env: rec.env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Like `head -1`: read the first record, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(8);
    const summary = stderr.split('\n').filter(Boolean);
    expect(summary).toHaveLength(2);
    expect(summary[0]).toMatch(/^batch: \d+ calls in .*; stopped: cannot write the results to stdout: EPIPE \(the reader closed the pipe\): (\d+) not sent/);
    const notSent = Number(/: (\d+) not sent/.exec(summary[0] as string)?.[1]);
    expect(notSent).toBeGreaterThan(0);
    expect(rec.server.received.length).toBe(COUNT - notSent);
    expect(summary[1]).toBe('batch: the results went to stdout only; run with --results <file> to be able to resume a batch');
  });

  it('stdout on a full disk (/dev/full): exit 8 and the summary, no stack trace', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('full', 50));
    const full = openSync('/dev/full', 'w');
    try {
      const { code, stderr } = await startBatch([input, '--concurrency', '1'], rec.env, full).exited;
      expect(code).toBe(8);
      expect(stderr).not.toContain('    at ');
      expect(stderr).toMatch(/^batch: \d+ calls? in [^\n]*; stopped: cannot write the results to stdout: ENOSPC \(no space left on device\): \d+ not sent/);
    } finally {
      closeSync(full);
    }
  });

  it('a --results file on a full disk: calls stop, the summary says how to resume, exit 8', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('disk', 40));
    const results = join(dir, 'r.ndjson');
    // Every write to the results file fails as on a full disk; the journal beside it still works.
    symlinkSync('/dev/full', results);
    const result = await runCli(['batch', input, '--results', results, '--concurrency', '2'], { env: rec.env });
    expect(result.code).toBe(8);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(new RegExp(`; stopped: cannot write the results to ${results.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOSPC \\(no space left on device\\): \\d+ not sent, \\d+ results? of calls made could not be written; results in `));
    expect(lines[1]).toBe(`batch: to run the rest: oneoffice batch ${input} --results ${results} --resume`);
    expect(lines).toHaveLength(2);
    expect(rec.server.received.length).toBeLessThan(40);
  });

  it('a journal that cannot be written: the calls it was to mark are not sent', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, userLines('journal', 10));
    const results = join(dir, 'r.ndjson');
    symlinkSync('/dev/full', `${results}.journal`);
    const result = await runCli(['batch', input, '--results', results], { env: rec.env });
    // The header cannot be written either: refused before anything is sent.
    expect([2, 8]).toContain(result.code);
    expect(result.stderr).toContain('ENOSPC');
    expect(result.stderr).not.toContain('    at ');
    expect(rec.server.received).toHaveLength(0);
  });

  it('oneoffice methods > /dev/full: one line, exit 8', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [BIN, 'methods'], { env: isolatedEnv(), cwd: ROOT, stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect([code, stderr]).toEqual([8, 'oneoffice: cannot write to stdout: ENOSPC (no space left on device)\n']);
    } finally {
      closeSync(full);
    }
  });

  it('a single call whose answer cannot be written to stdout exits 8', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [BIN, 'getUserByEmail', '--email', 'a@b.co'], { env: rec.env, cwd: ROOT, stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect([code, stderr]).toEqual([8, 'oneoffice: cannot write to stdout: ENOSPC (no space left on device)\n']);
      expect(rec.server.received).toHaveLength(1);
    } finally {
      closeSync(full);
    }
  });
});


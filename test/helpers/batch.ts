// `oneoffice batch` in tests, in one place (five files had their own copies): reading its result
// records, starting it as a real process that the test can watch, signal or kill while it runs, and
// the set-up its in-process and process halves share (a mock per file, input files of their own).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { BIN, isolatedEnv, ROOT } from './cli.js';
import { tempDir } from './temp.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

export const BATCH_TOKEN = 'batch-test-token-0123456789abcdef';
/** The mock's answer to a second createUser with the same e-mail address. */
export const DUPLICATE = 'duplicate key value violates unique constraint "users_email"';
/** The summary's timing part, which varies. */
export const TIMING = String.raw`in \d+\.\d s( \(\d+/s\))?`;

export interface BatchBench {
  /** The file's mock server (token BATCH_TOKEN), started before its first test. */
  readonly mock: MockServer;
  /** A path of its own for a file not written yet (results, a journal). */
  fresh(name: string): string;
  /** A new file with this text; its path. */
  file(name: string, text: string): string;
  /** An isolated environment pointing at the mock. */
  env(extra?: Record<string, string>): Record<string, string>;
}

/** One mock for the test file and a temporary folder whose files never clash between its tests. */
export function useBatchBench(prefix: string): BatchBench {
  let mock: MockServer | undefined;
  let dir: string | undefined;
  let counter = 0;
  beforeAll(async () => {
    mock = await startMockServer({ token: BATCH_TOKEN });
  });
  afterAll(() => mock?.close());
  const bench: BatchBench = {
    get mock() {
      if (!mock) throw new Error('useBatchBench: the mock is started in beforeAll; use it inside a test or hook');
      return mock;
    },
    fresh(name) {
      dir ??= tempDir(prefix);
      return join(dir, `${++counter}-${name}`);
    },
    file(name, text) {
      const path = bench.fresh(name);
      writeFileSync(path, text);
      return path;
    },
    env: (extra = {}) => isolatedEnv({ ONEOFFICE_URL: bench.mock.url, ONEOFFICE_BEARER: BATCH_TOKEN, ...extra }),
  };
  return bench;
}

export type BatchRecord = Record<string, unknown>;

/** One line of batch input. */
export const inputLine = (method: string, params: Record<string, unknown>): string => JSON.stringify({ method, params });

/** `count` createUser lines, e-mails `<prefix>1@example.com` and up. */
export const createUsers = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => inputLine('createUser', { email: `${prefix}${i + 1}@example.com` }));

/**
 * The records of NDJSON results text, in their order. `time_starttransfer` and `time_total` differ
 * from run to run: they are checked (numbers, first byte no later than the end) and left out.
 */
export function records(text: string): BatchRecord[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { time_starttransfer: firstByteS, time_total: totalS, ...record } = JSON.parse(line) as BatchRecord;
      if (totalS !== undefined) expect(typeof totalS === 'number' && totalS >= 0 && (firstByteS === undefined || (typeof firstByteS === 'number' && firstByteS <= totalS)), line).toBe(true);
      return record;
    });
}

/** The records of a results file (see records()). */
export function recordsIn(path: string): BatchRecord[] {
  return records(readFileSync(path, 'utf8'));
}

export interface BatchExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningBatch {
  pid: number;
  child: ChildProcess;
  /** Once the process has exited and its pipes are closed. */
  exited: Promise<BatchExit>;
  /** What it has written to stderr so far. */
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

/**
 * `oneoffice batch <args>` started and left running. stdout is piped and collected unless given
 * another target ('ignore', or a file descriptor such as /dev/full's); stdin is closed.
 */
export function startBatch(args: readonly string[], env: Record<string, string>, stdout: 'pipe' | 'ignore' | number = 'pipe'): RunningBatch {
  const child = spawn(process.execPath, [BIN, 'batch', ...args], { env, cwd: ROOT, stdio: ['ignore', stdout, 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<BatchExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
  });
  return { pid: child.pid as number, child, exited, stderr: () => err, kill: (signal) => child.kill(signal) };
}

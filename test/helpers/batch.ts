// `oneoffice batch` in tests, in one place (five files had their own copies): reading its result
// records, and starting it as a real process that the test can watch, signal or kill while it runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { BIN, ROOT } from './cli.js';

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

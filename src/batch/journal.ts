// The record of a batch that lets it resume with nothing lost and nothing done twice: the results
// file (one result per line of input) and beside it <results>.journal, where a line is marked
// "sending" before its call goes out. Marks are written (write(), synchronously) before the calls
// are sent; results in the turn of the event loop they arrive in. What a process killed at any
// moment (kill -9) has written stays in the files; only a power cut could lose the latest records,
// so no fsync. On resume: a result means done; a mark without a result means "uncertain".
import { readJson } from '../api/json.js';
import { accessSync, closeSync, constants, existsSync, fchmodSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../api/errors.js';
import { fileStream, readLines } from './lines.js';

/** What the journal was written for: resuming with other input would skip or repeat the wrong lines. */
export interface JournalHeader {
  input: string;
  sha256: string;
  format: string;
  method: string | null;
}

/** A set of line numbers as bits: a million lines take 125 kB. */
export class LineSet {
  private bits = new Uint8Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(line: number): boolean {
    return ((this.bits[line >> 3] ?? 0) & (1 << (line & 7))) !== 0;
  }

  add(line: number): void {
    if (this.has(line)) return;
    const index = line >> 3;
    if (index >= this.bits.length) {
      const grown = new Uint8Array(Math.max(index + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[index] = (this.bits[index] as number) | (1 << (line & 7));
    this.count++;
  }
}

export interface PriorState {
  /** Lines with a final result (ok or failed). */
  done: LineSet;
  /** Lines marked "sending". */
  sent: LineSet;
  /** Lines already reported as uncertain in the results file. */
  reportedUncertain: LineSet;
  header: JournalHeader | undefined;
}

export const journalPathOf = (resultsPath: string): string => `${resultsPath}.journal`;
const JOURNAL_KIND = 'oneoffice batch journal';

/**
 * Checked before the input is read, so that a long check is not wasted: without --resume, a
 * results file must not hold an earlier batch (appending would mix two); and it must be writable.
 */
export function checkResultsFile(resultsPath: string, resume: boolean): void {
  for (const path of resume ? [] : [resultsPath, journalPathOf(resultsPath)]) {
    if (sizeOf(path) > 0) {
      throw new UsageError(`--results: ${path} already holds a batch: add --resume to continue it, or choose another file`, 'E_RESULTS_EXIST');
    }
  }
  const target = existsSync(resultsPath) ? resultsPath : dirname(resolve(resultsPath));
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    throw new UsageError(`--results: cannot write ${resultsPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'E_RESULTS_WRITE');
  }
}

export async function readPriorState(resultsPath: string): Promise<PriorState> {
  const journalPath = journalPathOf(resultsPath);
  const state: PriorState = { done: new LineSet(), sent: new LineSet(), reportedUncertain: new LineSet(), header: undefined };
  if (sizeOf(resultsPath) > 0 && !existsSync(journalPath)) {
    throw new UsageError(`--resume: ${journalPath} is missing, so which calls were sent cannot be told; restore it, or start over with another --results file`, 'E_NO_JOURNAL');
  }
  // A record cut short (only a power cut can do that) is not valid JSON: it counts as not written.
  await eachRecord(resultsPath, (record) => {
    if (typeof record['line'] !== 'number') return;
    if (record['uncertain'] === true) state.reportedUncertain.add(record['line']);
    else if (typeof record['ok'] === 'boolean') state.done.add(record['line']);
  });
  await eachRecord(journalPath, (record) => {
    if (record['journal'] === JOURNAL_KIND) state.header = record as unknown as JournalHeader;
    else if (typeof record['line'] === 'number' && record['sending'] === true) state.sent.add(record['line']);
  });
  return state;
}

async function eachRecord(path: string, onRecord: (record: Record<string, unknown>) => void): Promise<void> {
  if (!existsSync(path)) return;
  try {
    for await (const lines of readLines(fileStream(path))) {
      for (const { text } of lines) {
        if (!text) continue;
        const read = readJson(text);
        if (read.ok && typeof read.value === 'object' && read.value !== null) onRecord(read.value as Record<string, unknown>);
      }
    }
  } catch (error) {
    throw new UsageError(`--resume: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'E_RESULTS_READ');
  }
}

/** The results file and journal, open for appending. */
export class BatchRecord {
  private constructor(
    private readonly resultsFd: number,
    private readonly journalFd: number,
  ) {}

  static open(resultsPath: string, header: JournalHeader): BatchRecord {
    const journalPath = journalPathOf(resultsPath);
    let resultsFd: number | undefined;
    try {
      // 0600: results hold what the API answered, e.g. customers' e-mail addresses.
      resultsFd = openSync(resultsPath, 'a+', 0o600);
      const journalFd = openSync(journalPath, 'a+', 0o600);
      // The mode only applies to a new file: one that already existed (touch, an earlier run) is made private too.
      privateMode(resultsFd);
      privateMode(journalFd);
      const record = new BatchRecord(resultsFd, journalFd);
      endLine(resultsFd);
      endLine(journalFd);
      if (fstatSync(journalFd).size === 0) writeAll(journalFd, `${JSON.stringify({ journal: JOURNAL_KIND, ...header })}\n`);
      return record;
    } catch (error) {
      if (resultsFd !== undefined) closeSync(resultsFd);
      throw new UsageError(`--results: cannot write ${(error as NodeJS.ErrnoException).path ?? resultsPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'E_RESULTS_WRITE');
    }
  }

  /** Marks lines as about to be sent; returns once the marks are in the file. */
  sending(lines: readonly number[]): void {
    writeAll(this.journalFd, lines.map((line) => `{"line":${line},"sending":true}\n`).join(''));
  }

  /** Appends result records (NDJSON text, one record per line). */
  results(text: string): void {
    writeAll(this.resultsFd, text);
  }

  close(): void {
    closeSync(this.resultsFd);
    closeSync(this.journalFd);
  }
}

function privateMode(fd: number): void {
  try {
    fchmodSync(fd, 0o600);
  } catch (error) {
    // Someone else's file that we may write to: not ours to change.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** A record left without its line break (a power cut) must not swallow the next one. */
function endLine(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] !== 0x0a) writeAll(fd, '\n');
}

/** write() until all of it is written: a single call may write less. */
export function writeAll(fd: number, data: string | Buffer): void {
  const buffer = typeof data === 'string' ? Buffer.from(data) : data;
  let offset = 0;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
}

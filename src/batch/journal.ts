// The record of a batch that lets it resume with nothing lost and nothing done twice: the results
// file (one result per line of input) and beside it <results>.journal, where a line is marked
// "sending" before its call goes out. Marks are written (write(), synchronously) before the calls
// are sent; results in the turn of the event loop they arrive in. What a process killed at any
// moment (kill -9) has written stays in the files; only a power cut could lose the latest records,
// so no fsync. On resume (src/batch/prior.ts): a result means done; a mark without a result
// means "uncertain". The header names the target and the input, with a checksum of its own.
import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, fchmodSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../api/errors.js';
import { describeWriteError } from '../files/write-error.js';

/** What the journal was written for: resuming with other input would skip or repeat the wrong lines. */
export interface JournalHeader {
  input: string;
  /** Of the whole input, as read in pass 1. */
  sha256: string;
  bytes: number;
  format: string;
  method: string | null;
  /** Where the calls go, without user name or password. */
  url: string;
}

const HEADER_FIELDS = ['input', 'sha256', 'bytes', 'format', 'method', 'url'] as const;

/** A checksum of the header's fields, so that an edited or damaged header is told from a real one. */
export function headerCheck(header: Record<string, unknown>): string {
  const fields = HEADER_FIELDS.map((field) => header[field] ?? null);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 16);
}

/** The URL as the journal records it: never a password. */
export function journalUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

export const journalPathOf = (resultsPath: string): string => `${resultsPath}.journal`;
export const JOURNAL_KIND = 'oneoffice batch journal';

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

/** The results file and journal, open for appending. */
export class BatchRecord {
  private constructor(
    private readonly resultsFd: number,
    private readonly journalFd: number,
  ) {}

  static open(resultsPath: string, header: JournalHeader): BatchRecord {
    const journalPath = journalPathOf(resultsPath);
    let resultsFd: number | undefined;
    let journalFd: number | undefined;
    // The file an error is about, for the message.
    let current = resultsPath;
    try {
      // 0600: results hold what the API answered, e.g. customers' e-mail addresses.
      resultsFd = openSync(resultsPath, 'a+', 0o600);
      // The mode only applies to a new file: one that already existed (touch, an earlier run) is made private too.
      privateMode(resultsFd);
      endLine(resultsFd);
      current = journalPath;
      journalFd = openSync(journalPath, 'a+', 0o600);
      privateMode(journalFd);
      endLine(journalFd);
      if (fstatSync(journalFd).size === 0) writeAll(journalFd, `${JSON.stringify({ journal: JOURNAL_KIND, ...header, check: headerCheck({ ...header }) })}\n`);
      return new BatchRecord(resultsFd, journalFd);
    } catch (error) {
      if (resultsFd !== undefined) closeSync(resultsFd);
      if (journalFd !== undefined) closeSync(journalFd);
      throw new UsageError(`--results: cannot write ${current}: ${describeWriteError(error as NodeJS.ErrnoException)}`, 'E_RESULTS_WRITE');
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
    // Only a regular file: --results may name a device or a pipe (/dev/full, <(...)), not ours to change.
    if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600);
  } catch (error) {
    // Someone else's file that we may write to: not ours to change.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

export function sizeOf(path: string): number {
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

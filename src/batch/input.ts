// The input is read twice: once to check every line, once to send. A regular file is simply
// reopened; stdin (or a pipe such as <(cmd)) is copied to a private temporary file during the
// first read (unlinked at once where the system allows it; on Windows once read), so the second has
// something to read, and memory stays flat either way.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isUtf16, UTF16_ADVICE } from '../api/text.js';
import { UsageError } from '../api/errors.js';
import { writeAll } from './journal.js';
import { fileStream, readLines, type InputLine } from './lines.js';

export interface BatchInput {
  /** As given: a path, or '-'. */
  name: string;
  /** The first read: every line, hashed (and spooled, for stdin) on the way. */
  firstPass(): AsyncGenerator<InputLine[]>;
  /** SHA-256 of the input, known once the first pass is over. */
  sha256(): string;
  /** Its size in bytes, known then too. */
  bytes(): number;
  /** The second read. */
  secondPass(): AsyncGenerator<InputLine[]>;
  /** Stops the read under way (Ctrl-C while stdin is idle must not hang). */
  abort(): void;
  /**
   * Closes the reads and removes the temporary copy, if any. Never fails: the batch is over by
   * then, so a copy that cannot be removed is a warning, not a failed batch.
   */
  dispose(): Promise<void>;
}

/** How the spool's directory is removed; injected by tests (Windows refuses to remove an open file: EBUSY, EPERM). */
export interface SpoolCleanup {
  /** Right after the spool is opened (POSIX: the open descriptor keeps the copy). */
  removeNow?: (dir: string) => void;
  /** In dispose(), for a directory that could not be removed at once. */
  remove?: (dir: string) => Promise<void>;
  warn?: (message: string) => void;
}

const removeDirNow = (dir: string) => rmSync(dir, { recursive: true, force: true });
/** fs.rm retries EBUSY and EPERM itself, with a linear backoff: a virus scanner or indexer may hold the file a moment. */
const removeDir = (dir: string) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });

export function openInput(name: string, stdin: Readable, cleanup: SpoolCleanup = {}): BatchInput {
  if (name === '-') return spooled(name, stdin, cleanup);
  let isFile: boolean;
  try {
    const stats = statSync(name);
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    isFile = stats.isFile();
  } catch (error) {
    throw unreadable(name, error);
  }
  return isFile ? reopened(name) : spooled(name, fileStream(name), cleanup);
}

function reopened(path: string): BatchInput {
  const hash = createHash('sha256');
  let bytes = 0;
  let current: Readable | undefined;
  const open = () => (current = fileStream(path));
  return {
    name: path,
    firstPass: () => guarded(path, readLines(open(), (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
    })),
    sha256: () => hash.copy().digest('hex'),
    bytes: () => bytes,
    secondPass: () => guarded(path, readLines(open())),
    abort: () => current?.destroy(),
    dispose: async () => {
      if (current) await closed(current);
    },
  };
}

function spooled(name: string, source: Readable, cleanup: SpoolCleanup): BatchInput {
  const hash = createHash('sha256');
  let bytes = 0;
  let fd: number | undefined;
  /** The spool's directory, when it could not be removed at once. */
  let leftDir: string | undefined;
  let current: Readable = source;
  return {
    name,
    firstPass: () => {
      // 0700 directory, 0600 file: the input may hold passwords. Both are removed at once, before
      // anything is written: the open descriptor keeps the copy, and even kill -9 leaves nothing behind.
      // Windows refuses to remove a file that is open (EBUSY, EPERM): there the copy stays until
      // dispose(), which removes it once the second read has closed it.
      const dir = mkdtempSync(join(tmpdir(), 'oneoffice-batch-'));
      const spool = openSync(join(dir, 'input'), 'w+', 0o600);
      try {
        (cleanup.removeNow ?? removeDirNow)(dir);
      } catch {
        leftDir = dir;
      }
      fd = spool;
      return guarded(name, readLines(source, (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
        writeAll(spool, chunk);
      }));
    },
    sha256: () => hash.copy().digest('hex'),
    bytes: () => bytes,
    // Read from the start by position: the descriptor's own offset is at the end of what was written.
    // The stream owns the descriptor from here on (destroying it closes it).
    secondPass: () => {
      current = createReadStream('', { fd: fd as number, start: 0, highWaterMark: 256 * 1024 });
      fd = undefined;
      return guarded(name, readLines(current));
    },
    abort: () => current.destroy(),
    dispose: async () => {
      const spoolDir = leftDir;
      leftDir = undefined;
      // The second read's stream closes (and with it the descriptor) before anything is removed.
      if (current !== source) await closed(current);
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      if (spoolDir === undefined) return;
      try {
        await (cleanup.remove ?? removeDir)(spoolDir);
      } catch (error) {
        cleanup.warn?.(`could not remove the temporary copy of the input in ${spoolDir} (${(error as NodeJS.ErrnoException).code ?? String(error)}): it may hold secrets, delete it`);
      }
    },
  };
}

/**
 * Read errors (a file removed meanwhile, an I/O error) as usage errors naming the input. UTF-16
 * input (PowerShell 5.1's `>`) is refused at its first line, which is where it shows.
 */
async function* guarded(name: string, lines: AsyncGenerator<InputLine[]>): AsyncGenerator<InputLine[]> {
  let first = true;
  try {
    for await (const chunk of lines) {
      if (first && chunk[0]?.text != null && isUtf16(chunk[0].text)) throw new UsageError(`batch: ${name === '-' ? 'stdin' : name} ${UTF16_ADVICE}`, 'E_INPUT');
      first = false;
      yield chunk;
    }
  } catch (error) {
    throw error instanceof UsageError ? error : unreadable(name, error);
  }
}

/** Destroys a read stream and waits until its file is closed. */
async function closed(stream: Readable): Promise<void> {
  if (stream.closed) return;
  const done = once(stream, 'close').catch(() => {});
  stream.destroy();
  await done;
}

function unreadable(name: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new UsageError(`batch: cannot read ${name === '-' ? 'stdin' : name}: ${code}`, 'E_INPUT');
}

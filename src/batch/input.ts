// The input is read twice: once to check every line, once to send. A regular file is simply
// reopened; stdin (or a pipe such as <(cmd)) is copied to a private temporary file during the
// first read (unlinked at once), so the second has something to read, and memory stays flat either way.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
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
  /** The second read. */
  secondPass(): AsyncGenerator<InputLine[]>;
  /** Stops the read under way (Ctrl-C while stdin is idle must not hang). */
  abort(): void;
  /** Removes the temporary copy, if any. */
  dispose(): void;
}

export function openInput(name: string, stdin: Readable): BatchInput {
  if (name === '-') return spooled(name, stdin);
  let isFile: boolean;
  try {
    const stats = statSync(name);
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    isFile = stats.isFile();
  } catch (error) {
    throw unreadable(name, error);
  }
  return isFile ? reopened(name) : spooled(name, fileStream(name));
}

function reopened(path: string): BatchInput {
  const hash = createHash('sha256');
  let current: Readable | undefined;
  const open = () => (current = fileStream(path));
  return {
    name: path,
    firstPass: () => guarded(path, readLines(open(), (chunk) => hash.update(chunk))),
    sha256: () => hash.copy().digest('hex'),
    secondPass: () => guarded(path, readLines(open())),
    abort: () => current?.destroy(),
    dispose: () => current?.destroy(),
  };
}

function spooled(name: string, source: Readable): BatchInput {
  const hash = createHash('sha256');
  let fd: number | undefined;
  let current: Readable = source;
  return {
    name,
    firstPass: () => {
      // 0700 directory, 0600 file: the input may hold passwords. Both are removed at once, before
      // anything is written: the open descriptor keeps the copy, and even kill -9 leaves nothing behind.
      const dir = mkdtempSync(join(tmpdir(), 'oneoffice-batch-'));
      const spool = openSync(join(dir, 'input'), 'w+', 0o600);
      rmSync(dir, { recursive: true, force: true });
      fd = spool;
      return guarded(name, readLines(source, (chunk) => {
        hash.update(chunk);
        writeAll(spool, chunk);
      }));
    },
    sha256: () => hash.copy().digest('hex'),
    // Read from the start by position: the descriptor's own offset is at the end of what was written.
    // The stream owns the descriptor from here on (destroying it closes it).
    secondPass: () => {
      current = createReadStream('', { fd: fd as number, start: 0, highWaterMark: 256 * 1024 });
      fd = undefined;
      return guarded(name, readLines(current));
    },
    abort: () => current.destroy(),
    dispose: () => {
      if (current !== source) current.destroy();
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** Read errors (a file removed meanwhile, an I/O error) as usage errors naming the input. */
async function* guarded(name: string, lines: AsyncGenerator<InputLine[]>): AsyncGenerator<InputLine[]> {
  try {
    yield* lines;
  } catch (error) {
    throw unreadable(name, error);
  }
}

function unreadable(name: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new UsageError(`batch: cannot read ${name === '-' ? 'stdin' : name}: ${code}`, 'E_INPUT');
}

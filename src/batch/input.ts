// The input is read twice: once to check every line, once to send. A regular file is simply
// reopened; stdin (or a pipe such as <(cmd)) is copied to a private temporary file during the
// first read, so the second has something to read, and memory stays flat either way.
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
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
  let dir: string | undefined;
  let fd: number | undefined;
  let current: Readable = source;
  const copyPath = () => join(dir as string, 'input');
  return {
    name,
    firstPass: () => {
      // 0700 directory, 0600 file: the input may hold passwords.
      dir = mkdtempSync(join(tmpdir(), 'oneoffice-batch-'));
      const spool = openSync(copyPath(), 'w', 0o600);
      fd = spool;
      return guarded(name, readLines(source, (chunk) => {
        hash.update(chunk);
        writeAll(spool, chunk);
      }));
    },
    sha256: () => hash.copy().digest('hex'),
    secondPass: () => guarded(name, readLines((current = fileStream(copyPath())))),
    abort: () => current.destroy(),
    dispose: () => {
      if (current !== source) current.destroy();
      if (fd !== undefined) closeSync(fd);
      if (dir) rmSync(dir, { recursive: true, force: true });
      fd = dir = undefined;
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

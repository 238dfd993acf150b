// One process at a time on a file (a batch's --results, the mock's --state, the config file):
// an exclusive OS lock on "<file>.lock", which holds the owner's pid so that a refusal can name it.
// fs-native-extensions gives open-file-description locks on Linux (flock on macOS, LockFileEx on
// Windows) from binaries shipped in the package: the kernel drops the lock when the process dies,
// even by kill -9, so there is no stale lock to guess about (as with mkdir locks such as
// proper-lockfile, which wait out an mtime). The lock file is removed on release; an opener that
// locked a file removed meanwhile sees that the path is no longer its file and tries again.
// The lock is taken on what the path resolves to: a file and a symbolic link to it are one file.
import { closeSync, fstatSync, ftruncateSync, lstatSync, openSync, readFileSync, readlinkSync, realpathSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { tryLock } from 'fs-native-extensions';

export const lockPathOf = (path: string): string => `${path}.lock`;

export interface HeldLock {
  readonly path: string;
  /** Removes the lock file and lets go of the lock; idempotent. */
  release(): void;
}

export type LockAttempt =
  | { kind: 'held'; lock: HeldLock }
  /** pid: the holder's, when it has written it yet. */
  | { kind: 'busy'; pid: number | undefined }
  | { kind: 'error'; error: NodeJS.ErrnoException };

/**
 * The file a path names, symbolic links followed: the file itself when it exists; for one not
 * made yet, its real folder and name (through a link that points to a file still to be made too).
 * Two names for one file must share one lock, and a write must not replace a link by a file.
 */
export function resolvedPath(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync.native(current);
    } catch {
      // Not there (yet): a dangling link is followed by hand, anything else resolved by its folder.
    }
    let link: string | undefined;
    try {
      if (lstatSync(current).isSymbolicLink()) link = readlinkSync(current);
    } catch {
      link = undefined;
    }
    if (link === undefined) {
      try {
        return join(realpathSync.native(dirname(current)), basename(current));
      } catch {
        return current;
      }
    }
    current = resolve(dirname(current), link);
  }
  return current;
}

/** Tries once, without waiting. */
export function tryLockFile(path: string): LockAttempt {
  const lockPath = lockPathOf(resolvedPath(path));
  for (let attempt = 0; attempt < 10; attempt++) {
    let fd: number;
    try {
      // 0600 like the files it guards; O_RDWR because an exclusive lock needs a writable file.
      fd = openSync(lockPath, 'a+', 0o600);
    } catch (error) {
      return { kind: 'error', error: error as NodeJS.ErrnoException };
    }
    let granted = false;
    try {
      granted = tryLock(fd);
      if (!granted) {
        closeSync(fd);
        return { kind: 'busy', pid: holderPid(lockPath) };
      }
      if (!sameFile(fd, lockPath)) {
        closeSync(fd);
        continue;
      }
      ftruncateSync(fd, 0);
      writeSync(fd, `${process.pid}\n`);
      return { kind: 'held', lock: heldLock(lockPath, fd) };
    } catch (error) {
      closeSync(fd);
      return { kind: 'error', error: error as NodeJS.ErrnoException };
    }
  }
  return { kind: 'busy', pid: holderPid(lockPath) };
}

/** Polls until the lock is free (short holders such as `config set`), up to `timeoutMs`. */
export async function waitLockFile(path: string, timeoutMs: number, sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))): Promise<LockAttempt> {
  let waitedMs = 0;
  for (let pauseMs = 2; ; pauseMs = Math.min(pauseMs * 2, 50)) {
    const attempt = tryLockFile(path);
    if (attempt.kind !== 'busy' || waitedMs >= timeoutMs) return attempt;
    await sleep(pauseMs);
    waitedMs += pauseMs;
  }
}

/** "process 1234" or "another process", for messages. */
export function holderText(pid: number | undefined): string {
  return pid === undefined ? 'another process' : `process ${pid}`;
}

function heldLock(lockPath: string, fd: number): HeldLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    // Removed while still locked, so that nobody can lock the old file and think it current.
    try {
      if (sameFile(fd, lockPath)) unlinkSync(lockPath);
    } catch {
      // Already gone: nothing to clean up.
    }
    closeSync(fd);
  };
  // A process that ends without releasing (process.exit on a closed stdout) still removes the file.
  process.on('exit', release);
  return { path: lockPath, release };
}

function sameFile(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    const named = statSync(path);
    return open.ino === named.ino && open.dev === named.dev;
  } catch {
    return false;
  }
}

function holderPid(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

// The CLI process's stdout and stderr. Creating Node's process.stdout or process.stderr costs
// 1.5–3.5 ms (it loads node:stream, and node:net for a pipe): more than all the work of `--help`,
// `--dry-run` or a validation error (issue 7). So output to a pipe, a socket, a file or /dev/null is written
// with fs.writeSync, as Node itself does for files. Node's own stream takes over, for good, on a
// terminal (or any other kind of descriptor), on a write that would block (a non-blocking pipe that
// is full), and on any use other than write() and isTTY (listeners, pipe(), ...).
import { fstatSync, statSync, writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { Deps } from './context.js';
import { ExitCode } from '../api/errors.js';
import { describeWriteError } from '../files/write-error.js';

type Output = Writable & { isTTY?: boolean };

const TAKE_OVER = Symbol('oneoffice.useNodeStream');
/**
 * Set (to true) on stdout by a command that reports a failed write itself (batch: it stops, settles
 * its calls and prints a summary). A registered symbol: lazily loaded bundles have their own copy of modules.
 */
export const REPORTS_FAILURE = Symbol.for('oneoffice.reportsOutputFailure');
/**
 * Set (to true) on stdout by main() when the command line asks for help: a reader that stops early
 * (`oneoffice --help | head -1`) ends it normally, with exit 0 and no word.
 */
export const PRINTS_HELP = Symbol.for('oneoffice.printsHelp');

/** Written straight to the descriptor: a pipe, a socket, a regular file or /dev/null (`>/dev/null` in scripts). */
function writableDirectly(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO() || stat.isSocket() || stat.isFile()) return true;
    // Any other character device may be a terminal, and telling needs node:tty (which loads node:net).
    return stat.isCharacterDevice() && process.platform !== 'win32' && stat.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

function processOutput(fd: 1 | 2): Output {
  // Told on the first write, not before: most runs never write to stderr (a shell's TAB sends it to
  // /dev/null, whose check costs a stat more).
  let direct: boolean | undefined;
  let stream: Output | undefined;
  let closed = false;
  /**
   * A write failed: the reader went away (`| head`: EPIPE) or the disk is full (ENOSPC). stdout: what
   * was to be printed is lost, so the command must not look successful: one line on stderr, exit 23
   * (a batch listens for 'error' itself, stops starting calls and reports). stderr: drop what is
   * left to say, so the command still ends with its own exit code.
   */
  const writeFailed = (error: NodeJS.ErrnoException): void => {
    if (closed) return;
    closed = true;
    if (fd === 1 && error.code === 'EPIPE' && writer[PRINTS_HELP]) process.exit(ExitCode.ok);
    if (fd !== 1 || writer[REPORTS_FAILURE]) return;
    try {
      writeSync(2, `oneoffice: cannot write to stdout: ${describeWriteError(error)}\n`);
    } catch {
      // stderr is gone too: the exit code still tells.
    }
    process.exit(ExitCode.output);
  };
  const nodeStream = (): Output => {
    direct = false;
    if (!stream) {
      stream = fd === 1 ? process.stdout : process.stderr;
      stream.on('error', (error: NodeJS.ErrnoException) => writeFailed(error));
    }
    return stream;
  };
  const writer = {
    write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean {
      if (closed) return true;
      direct ??= writableDirectly(fd);
      if (!direct) return nodeStream().write(chunk, encoding as BufferEncoding, callback);
      const done = typeof encoding === 'function' ? encoding : callback;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk;
      let offset = 0;
      try {
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN') {
          writeFailed(error as NodeJS.ErrnoException);
          return true;
        }
        // A non-blocking pipe that is full: Node's stream waits for room without spinning.
        return nodeStream().write(bytes.subarray(offset), done);
      }
      if (done) process.nextTick(done);
      return true;
    },
    get isTTY(): boolean {
      direct ??= writableDirectly(fd);
      return direct ? false : nodeStream().isTTY === true;
    },
    [TAKE_OVER]: nodeStream,
    [REPORTS_FAILURE]: false as boolean,
    [PRINTS_HELP]: false as boolean,
  };
  return new Proxy(writer, {
    get(target, property) {
      if (property === 'write' || property === 'isTTY' || property === TAKE_OVER) return Reflect.get(target, property);
      const real = nodeStream();
      const value: unknown = Reflect.get(real, property);
      return typeof value === 'function' ? value.bind(real) : value;
    },
  }) as unknown as Output;
}

/** Long-running commands (mock, batch) write through Node's streams, which never block the event loop. */
export function useNodeStreams(deps: Deps): void {
  for (const output of [deps.stdout, deps.stderr]) (output as unknown as Record<symbol, (() => unknown) | undefined>)[TAKE_OVER]?.();
}

/**
 * The dependencies of a CLI process: its own stdin, stdout, stderr and environment.
 * `beforeEngineFlags` runs before V8's flags change, with them (bin's loader writes its code cache
 * then, and caches what loads after under a name holding the flags: V8 refuses code cached under
 * other flags).
 */
export function processDeps(beforeEngineFlags?: (flags: readonly string[]) => void): Deps {
  return {
    stdout: processOutput(1),
    stderr: processOutput(2),
    // process.stdin opens a handle on first access; only commands that read stdin touch it.
    get stdin(): Readable {
      return process.stdin;
    },
    env: process.env,
    engineFlags: async (flags) => {
      const { setFlagsFromString } = await import('node:v8');
      beforeEngineFlags?.(flags);
      for (const flag of flags) setFlagsFromString(flag);
    },
  };
}

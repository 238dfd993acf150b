// `oneoffice mock --upstream <url> --record <file>`: every exchange with the real API as one NDJSON
// line, for `--replay` (mock/replay.ts). Secret params are masked and the upstream token is never
// written (it is no part of an exchange). The file is mode 0600, locked for as long as the mock
// runs, and each line is on disk (fsync) before its answer is passed on, as --state's changes are.
import { chmod, open, type FileHandle } from 'node:fs/promises';
import { ConfigError } from '../api/errors.js';
import type { Params } from '../api/params.js';
import { describeWriteError } from '../files/write-error.js';
import { holderText, tryLockFile, type HeldLock } from '../files/lock.js';

/** One recorded exchange: a line of the file. */
export interface RecordedExchange {
  method: string;
  /** Secret params masked. */
  params: Params;
  status: number;
  /** The headers that matter to a client (content-type, retry-after, ...). */
  headers: Record<string, string>;
  /** The body as it came, as text: replayed byte for byte. */
  body: string;
  durationMs: number;
}

/** The answer headers kept: what a client reads; never cookies or anything the upstream authenticates with. */
export const RECORDED_HEADERS = ['content-type', 'retry-after', 'location', 'www-authenticate'] as const;

export class Recording {
  /** Lines are written one after another (one fsync each), in the order the answers came. */
  private queue: Promise<void> = Promise.resolve();
  private failures = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly lock: HeldLock,
  ) {}

  /** Creates (or empties) the file, mode 0600, and locks it. */
  static async open(path: string): Promise<Recording> {
    const attempt = tryLockFile(path);
    if (attempt.kind === 'busy') throw new ConfigError(`--record ${path}: in use by ${holderText(attempt.pid)} (another oneoffice mock): stop it, or choose another file`, 'E_STATE_LOCKED');
    if (attempt.kind === 'error') throw new ConfigError(`--record ${path}: cannot write it (${attempt.error.code ?? attempt.error.message})`, 'E_STATE');
    try {
      const handle = await open(path, 'w', 0o600);
      // open() leaves the mode of a file that was there before.
      await chmod(path, 0o600).catch(() => {});
      return new Recording(path, handle, attempt.lock);
    } catch (error) {
      attempt.lock.release();
      throw new ConfigError(`--record ${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'E_STATE');
    }
  }

  /** Resolves once the line is on disk; rejects with a one-line reason when it could not be written. */
  add(exchange: RecordedExchange): Promise<void> {
    const line = `${JSON.stringify(exchange)}\n`;
    const written = this.queue.then(async () => {
      await this.handle.write(line);
      await this.handle.datasync();
    });
    this.queue = written.catch(() => {});
    return written.catch((error: unknown) => {
      this.failures++;
      throw new Error(`--record ${this.path}: ${describeWriteError(error as NodeJS.ErrnoException)}`);
    });
  }

  /** How many exchanges could not be written. */
  get missing(): number {
    return this.failures;
  }

  async close(): Promise<void> {
    try {
      await this.queue;
      await this.handle.close();
    } finally {
      this.lock.release();
    }
  }
}

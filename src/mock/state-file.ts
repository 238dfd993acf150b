// --state <file>: read once at start, then rewritten after changes. Each write goes to a temporary
// file in the same directory, is fsynced and renamed over the old one, so a crash at any moment
// leaves either the old file or the new one, never half of one.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { checkSnapshot, type StateSnapshot } from './state.js';

/** Changes within this window go out in one write: under load the file is rewritten a few times a second, not once per call. */
const COALESCE_MS = 20;

/** The saved state, or undefined when the file does not exist yet. */
export function readStateFile(path: string): StateSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read state file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'E_STATE');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`state file ${path} is not valid JSON: ${(error as Error).message}`, 'E_STATE');
  }
  const checked = checkSnapshot(data);
  if ('problem' in checked) throw new ConfigError(`state file ${path}: ${checked.problem}`, 'E_STATE');
  return checked.snapshot;
}

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // 0600: the file holds customers' e-mail addresses and password hashes.
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Makes the rename itself durable. Not every platform can open a directory (Windows), hence best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The data is in the file either way; only durability across a power cut is at stake.
  }
}

/**
 * Writes the state after changes: at most one write runs at a time, and changes made while one runs
 * are picked up by the next. The snapshot is taken synchronously when a write starts, so every
 * file written is the state at one instant.
 */
export class StateWriter {
  private dirty = false;
  private busy = false;
  private idle: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => StateSnapshot,
    private readonly onError: (message: string) => void,
  ) {}

  schedule(): void {
    this.dirty = true;
    if (this.busy || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWriting();
    }, COALESCE_MS);
  }

  /** Writes whatever is pending and waits for it; throws if the last write failed. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.startWriting();
    await this.idle;
    if (this.failure) throw new ConfigError(`cannot write state file ${this.path}: ${describe(this.failure)}`, 'E_STATE');
  }

  private startWriting(): void {
    if (this.busy) return;
    this.busy = true;
    this.idle = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        try {
          await writeFileAtomic(this.path, `${JSON.stringify(this.snapshot(), null, 2)}\n`);
          this.failure = undefined;
        } catch (error) {
          // Keep serving: the next change or the shutdown flush tries again.
          this.dirty = true;
          this.failure = error;
          this.onError(`cannot write state file ${this.path}: ${describe(error)}`);
          return;
        }
      }
    } finally {
      // In the same synchronous step as the last `dirty` check, so no change can slip between.
      this.busy = false;
    }
  }
}

function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);
}

// --state <file>: read once at start, then rewritten after changes. Each write goes to a temporary
// file in the same directory, is fsynced and renamed over the old one, so a crash at any moment
// leaves either the old file or the new one, never half of one.
import { readJson } from '../api/json.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renameWithRetry } from '../api/rename.js';
import { ConfigError } from '../api/errors.js';
import { checkSnapshot, type StateSnapshot } from './state.js';

/** Changes within this window go out in one write. */
const MIN_WRITE_INTERVAL_MS = 20;
/**
 * Serializing a large state blocks the event loop, so the pause between writes grows with it: at
 * least this many times the last serialization, which keeps calls flowing under load.
 */
const SERIALIZE_BACKOFF = 10;

/** The saved state, or undefined when the file does not exist yet. */
export function readStateFile(path: string): StateSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read state file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'E_STATE');
  }
  const read = readJson(text);
  if (!read.ok) throw new ConfigError(`state file ${path} is not valid JSON: ${read.reason} at line ${read.line} column ${read.column}`, 'E_STATE');
  const checked = checkSnapshot(read.value);
  if ('problem' in checked) throw new ConfigError(`state file ${path}: ${checked.problem}`, 'E_STATE');
  return checked.snapshot;
}

export function serializeState(snapshot: StateSnapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}

/** Writes the state file now; the error names the file. */
export async function saveState(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    throw new ConfigError(`cannot write state file ${path}: ${describe(error)}`, 'E_STATE');
  }
}

async function writeFileAtomic(path: string, text: string): Promise<void> {
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
    await renameWithRetry(temp, path);
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
 * Writes the state after changes: one write at a time, paced, each taking in every change made
 * before it started. The snapshot is serialized synchronously, so every file written is the state
 * at one instant.
 */
export class StateWriter {
  private dirty = false;
  private busy = false;
  private idle: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;
  private serializeMs = 0;

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
    }, Math.max(MIN_WRITE_INTERVAL_MS, SERIALIZE_BACKOFF * this.serializeMs));
  }

  /** Writes whatever is pending and waits for it; throws if the last write failed. */
  async flush(): Promise<void> {
    await this.idle;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) {
      this.startWriting();
      await this.idle;
    }
    if (this.failure) throw this.failure;
  }

  private startWriting(): void {
    this.busy = true;
    this.idle = this.write();
  }

  private async write(): Promise<void> {
    this.dirty = false;
    const started = performance.now();
    const text = serializeState(this.snapshot());
    this.serializeMs = performance.now() - started;
    try {
      await saveState(this.path, text);
      this.failure = undefined;
    } catch (error) {
      // Keep serving: the next change or the shutdown flush tries again.
      this.dirty = true;
      this.failure = error;
      this.onError((error as Error).message);
    } finally {
      this.busy = false;
    }
    // Changes made while writing; after a failure, wait for the next change rather than retry in a loop.
    if (this.dirty && !this.failure) this.schedule();
  }
}

function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);
}

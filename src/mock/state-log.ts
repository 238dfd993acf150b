// --state durability: every change is appended to "<state>.log" and fsynced before the call that
// made it is answered, so what the mock acknowledged survives kill -9 (and a power cut). Changes
// made while a write is under way go out together in the next one (one fsync per group), which
// keeps throughput. At start the log is replayed onto the snapshot and both are compacted into the
// snapshot (written atomically); at a clean stop too, and the log is removed. One mock per state
// file: the file is locked (src/files/lock.ts) for as long as the mock runs.
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../api/errors.js';
import { readJson } from '../api/json.js';
import { holderText, resolvedPath, tryLockFile, type HeldLock } from '../files/lock.js';
import { readStateFile, saveState, serializeState } from './state-file.js';
import { MockState, type StateChange } from './state.js';

export const logPathOf = (statePath: string): string => `${statePath}.log`;

interface Group {
  text: string;
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

/** The one write the log makes (injected by tests: a full disk writes short, then fails with ENOSPC). Returns the bytes written. */
export type WriteAt = (handle: FileHandle, buffer: Buffer, offset: number, length: number, position: number) => Promise<number>;

const writeAtOnDisk: WriteAt = async (handle, buffer, offset, length, position) => (await handle.write(buffer, offset, length, position)).bytesWritten;

export class StateLog {
  /** Changes not yet being written. */
  private collecting: Group | undefined;
  /** The group being written now. */
  private writing: Group | undefined;
  /** Where the last whole record ends: a failed write is cut back to here. */
  private committedBytes = 0;
  /** Records of groups whose write failed: in memory already, so written first with the next group (disk and memory never part ways). */
  private unwritten = '';
  /** A failed write could not be cut back: the next successful one cuts the file after itself. */
  private tailDirty = false;

  private constructor(
    private readonly statePath: string,
    private readonly state: MockState,
    private readonly handle: FileHandle,
    private readonly lock: HeldLock,
    private readonly writeAt: WriteAt,
  ) {}

  /**
   * Locks the state file, loads it with its log, compacts both and starts logging changes. The
   * file is what the path resolves to: a link to a state file is the file (one lock, and the link stays a link).
   */
  static async open(givenPath: string, writeAt: WriteAt = writeAtOnDisk): Promise<{ state: MockState; log: StateLog }> {
    const attempt = tryLockFile(givenPath);
    if (attempt.kind === 'busy') {
      throw new ConfigError(`state file ${givenPath} is in use by ${holderText(attempt.pid)} (another oneoffice mock): stop it, or choose another --state file`, 'E_STATE_LOCKED');
    }
    if (attempt.kind === 'error') throw new ConfigError(`cannot write state file ${givenPath}: ${attempt.error.code ?? attempt.error.message}`, 'E_STATE');
    const { lock } = attempt;
    const statePath = resolvedPath(givenPath);
    try {
      removeLeftovers(statePath);
      const state = new MockState(readStateFile(statePath));
      for (const change of readLog(logPathOf(statePath))) state.apply(change);
      await compact(statePath, state);
      const handle = await open(logPathOf(statePath), 'w', 0o600);
      // open() leaves the mode of a log that was there before (copied, or a mock's of an older version): it holds what the state file holds.
      await handle.chmod(0o600).catch(() => {});
      const log = new StateLog(statePath, state, handle, lock, writeAt);
      state.onChange = (change) => log.append(change);
      return { state, log };
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Resolves once every change made so far is on disk; rejects if it could not be written. */
  durable(): Promise<void> {
    return (this.collecting ?? this.writing)?.done ?? Promise.resolve();
  }

  /** Writes what is pending, compacts the log into the snapshot and lets go of the file. */
  async close(): Promise<void> {
    try {
      await this.durable().catch(() => {});
      await this.handle.close();
      await compact(this.statePath, this.state);
      unlinkSync(logPathOf(this.statePath));
    } finally {
      this.lock.release();
    }
  }

  /** Every byte at `position`, however many writes it takes (a nearly full disk writes short); a write of nothing is a full disk. */
  private async writeWhole(buffer: Buffer, position: number): Promise<void> {
    for (let done = 0; done < buffer.length; ) {
      const written = await this.writeAt(this.handle, buffer, done, buffer.length - done, position + done);
      if (written <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      done += written;
    }
  }

  private append(change: StateChange): void {
    // Serialized now: the record may change again before the write.
    const line = `${JSON.stringify(change)}\n`;
    if (this.collecting) {
      this.collecting.text += line;
      return;
    }
    let settle: Group['settle'] = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Nobody may wait for a group (no call made it); its failure is reported to the waiters only.
    done.catch(() => {});
    this.collecting = { text: line, done, settle };
    if (!this.writing) void this.writeGroups();
  }

  private async writeGroups(): Promise<void> {
    // Let the calls of this turn add their changes to the group first.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.collecting) {
      const group = (this.writing = this.collecting);
      this.collecting = undefined;
      const text = this.unwritten + group.text;
      const buffer = Buffer.from(text);
      try {
        await this.writeWhole(buffer, this.committedBytes);
        await this.handle.datasync();
        this.committedBytes += buffer.length;
        this.unwritten = '';
        if (this.tailDirty) {
          await this.handle.truncate(this.committedBytes);
          this.tailDirty = false;
        }
        group.settle();
      } catch (error) {
        // Not acknowledged (the calls get a 500); the log is cut back to its last whole record, so
        // that the next record does not continue a cut line, and these records go out with it.
        this.unwritten = text;
        this.tailDirty = await this.handle.truncate(this.committedBytes).then(() => false, () => true);
        group.settle(new ConfigError(`cannot write state file ${logPathOf(this.statePath)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'E_STATE'));
      }
    }
    this.writing = undefined;
  }
}

/** The snapshot, written atomically: it then holds everything the log held. */
async function compact(statePath: string, state: MockState): Promise<void> {
  await saveState(statePath, serializeState(state.snapshot()));
}

/** The changes in the log; a last line cut short by a crash was never acknowledged and is left out. */
function readLog(path: string): StateChange[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read state file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'E_STATE');
  }
  const lines = text.split('\n');
  const changes: StateChange[] = [];
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    const read = readJson(line);
    if (read.ok) changes.push(read.value as StateChange);
    else {
      if (index === lines.length - 1) break;
      throw new ConfigError(`state file ${path} is damaged at line ${index + 1}: move it away to start from ${basename(path, '.log')} alone`, 'E_STATE');
    }
  }
  return changes;
}

/** Temporary files of atomic writes that a killed mock left behind (we hold the lock: none is in use). */
function removeLeftovers(statePath: string): void {
  const dir = dirname(statePath);
  const prefix = `.${basename(statePath)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // Gone already, or not ours to remove: the write that follows does not depend on it.
      }
    }
  }
}

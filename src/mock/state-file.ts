// --state <file>: the snapshot, read at start and rewritten (with the changes of the state log,
// src/mock/state-log.ts) at start and at a clean stop. Each write goes to a temporary file in the
// same directory, is fsynced and renamed over the old one, so a crash at any moment leaves either
// the old file or the new one, never half of one.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { renameWithRetry } from '../files/rename.js';
import { ConfigError } from '../api/errors.js';
import { readJson } from '../api/json.js';
import { checkSnapshot, type StateSnapshot } from './state.js';

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


function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);
}

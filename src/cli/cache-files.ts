// The code cache's files (src/cli/boot.ts writes and reads them): their form, a line holding the
// runs whose code V8's data holds, then the data; how one is written so that a process starting
// meanwhile reads a whole file; and which other builds' files are removed when one is written.
import { readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A cache file: this line, holding the length of what follows it before V8's data: the runs whose
 * code the data holds, one a line. Its length is read, not searched for, with no Buffer method
 * Node implements in JavaScript: those would be compiled on every start (Node compiled only what
 * its own start-up ran). Lengths are multiples of 8, so V8 need not copy its data to align it.
 */
const CACHE_MAGIC = 'oneoffice-code 1 ';
const CACHE_LINE = CACHE_MAGIC.length + 7;
/** Runs a file keeps: beyond them a new kind of run no longer rewrites it (it still reads it). */
export const MAX_RUNS = 16;
/**
 * The longest list of runs read (16 runs of a few hundred bytes need a few KiB): a damaged length
 * beyond it makes a file not of this form (a length of ~130 KB once overflowed the stack in
 * latin1's spread: every start ended with a stack trace until the file was deleted).
 */
const MAX_RUNS_BYTES = 64 * 1024;

/** A cache file read: V8's data and the runs whose code it holds, each ending with a newline. */
export interface CacheFile {
  data: Uint8Array;
  runs: string;
}

/** Spread by at most this many bytes at a time: each is an argument on the stack. */
const SPREAD_BYTES = 8192;

function latin1(bytes: Uint8Array, start: number, end: number): string {
  const stop = Math.min(end, bytes.length);
  let text = '';
  for (let at = start; at < stop; at += SPREAD_BYTES) text += String.fromCharCode(...new Uint8Array(bytes.buffer, bytes.byteOffset + at, Math.min(SPREAD_BYTES, stop - at)));
  return text;
}

/** The cache file's bytes, or undefined for a file not of this form (it is then written anew). */
export function readCacheFile(bytes: Uint8Array): CacheFile | undefined {
  const line = latin1(bytes, 0, CACHE_LINE);
  const length = line.startsWith(CACHE_MAGIC) && line.endsWith('\n') ? Number(line.slice(CACHE_MAGIC.length, -1)) : NaN;
  const start = CACHE_LINE + length;
  if (!Number.isInteger(length) || length < 0 || length > MAX_RUNS_BYTES || start >= bytes.length) return undefined;
  return { data: new Uint8Array(bytes.buffer, bytes.byteOffset + start, bytes.length - start), runs: latin1(bytes, CACHE_LINE, start) };
}

/** A cache file's bytes; `runs` one a line. */
export function cacheFileBytes(runs: readonly string[], data: Uint8Array): Buffer {
  const text = runs.map((run) => `${run}\n`).join('');
  const head = Buffer.from(text.padEnd(Math.ceil(Buffer.byteLength(text) / 8) * 8, '\n'), 'latin1');
  return Buffer.concat([Buffer.from(`${CACHE_MAGIC}${String(head.length).padStart(6, '0')}\n`), head, data]);
}

/**
 * Another build's or Node's cache of a part is kept this long after it was written: two copies in
 * use by turns (a global install and a project's, npm's and the single executable, two Node versions)
 * share the folder, and removing each other's would make every start of each compile and write anew.
 */
export const KEEP_OTHERS_MS = 7 * 24 * 60 * 60 * 1000;
/** And at most this many of them, the newest: upgrades leave no more than this behind. */
export const MAX_OTHERS = 2;

/**
 * Caches of a part's other builds or Node versions (their names start with `prefix`) but `file`:
 * those written more than KEEP_OTHERS_MS ago, or beyond the MAX_OTHERS newest, are removed. Only a
 * run that writes a cache gets here, so the start of one that reads them looks at no other file.
 */
export function removeOthers(dir: string, prefix: string, file: string, existing = listing(dir), nowMs = Date.now()): void {
  const others: { path: string; writtenMs: number }[] = [];
  for (const name of existing) {
    const path = join(dir, name);
    if (!name.startsWith(prefix) || path === file) continue;
    const writtenMs = modifiedMs(path);
    if (writtenMs !== undefined) others.push({ path, writtenMs });
  }
  others.sort((a, b) => b.writtenMs - a.writtenMs);
  others.forEach(({ path, writtenMs }, index) => {
    if (index >= MAX_OTHERS || nowMs - writtenMs > KEEP_OTHERS_MS) removeQuietly(path);
  });
}

function modifiedMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    // Removed meanwhile by another process: nothing to do.
    return undefined;
  }
}

/** The runs of a cache file's list (its padding is empty lines). */
export function runList(runs: string): string[] {
  return runs.split('\n').filter((run) => run !== '');
}

export function listing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Another process may have removed it, or Windows holds it open: it is only unused bytes.
  }
}

/** Written aside and renamed: a process starting meanwhile reads the whole old file or the whole new one. */
export function writeAtomically(file: string, data: Buffer): void {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, data, { mode: 0o600, flag: 'wx' });
  try {
    renameSync(aside, file);
  } catch (error) {
    removeQuietly(aside);
    throw error;
  }
}

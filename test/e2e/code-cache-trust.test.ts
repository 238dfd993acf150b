// The code cache is code the CLI runs (src/cli/boot.ts): a file only this user wrote and no one else
// may change is read, and anything odd where the cache lives (a file others may write, another
// user's file, a FIFO, a symbolic link, a file far too large, writers at once, other V8 flags, a HOME that cannot be
// written) costs a compile, never a call.
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileBytes, readCacheFile } from '../../src/cli/cache-files.js';
import { BIN, isolatedEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

function freshCacheHome(): { env: Record<string, string>; dir: string } {
  const cache = tempDir('cache');
  return { env: isolatedEnv({ XDG_CACHE_HOME: cache }), dir: join(cache, 'oneoffice', 'code') };
}

/** The one cache file of the core (dist/cli/cli.cjs) in `dir`. */
function coreFile(dir: string): string {
  const names = readdirSync(dir).filter((name) => name.startsWith('cli.cjs-'));
  expect(names).toHaveLength(1);
  return join(dir, names[0] as string);
}

/** `methods` once, so the core's cache file holds this kind of run: the next one like it writes nothing. */
async function cachedCore(): Promise<{ env: Record<string, string>; dir: string; file: string; expected: string }> {
  const { env, dir } = freshCacheHome();
  const first = await runCli(['methods'], { env });
  expect(first.code).toBe(0);
  return { env, dir, file: coreFile(dir), expected: first.stdout };
}

const isRoot = process.geteuid?.() === 0;
/** util-linux's setpriv (on every Debian): root runs the CLI as nobody, for whom root's folders are read-only. */
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

/** The CLI run as nobody (uid 65534) with this HOME: its exit code and output. */
function runAsNobody(home: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: home }, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the code cache is read only when this user wrote it and no one else may change it', () => {
  it('its folder is made for this user alone and each file is readable by this user alone', async () => {
    const { dir, file } = await cachedCore();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a cache file others may write is not read but replaced by one of this user’s', async () => {
    const { env, file, expected } = await cachedCore();
    chmodSync(file, 0o666);
    const second = await runCli(['methods'], { env });
    expect(second).toEqual({ code: 0, stdout: expected, stderr: '' });
    // Read as it was, it would have been left alone: this run's kind was already in it.
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('the loader’s own cache file (boot.cjs) others may write is not read but replaced too', async () => {
    const { env, dir, expected } = await cachedCore();
    const names = readdirSync(dir).filter((name) => name.startsWith('boot.cjs-'));
    expect(names).toHaveLength(1);
    const boot = join(dir, names[0] as string);
    chmodSync(boot, 0o666);
    expect(await runCli(['methods'], { env })).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(statSync(boot).mode & 0o777).toBe(0o600);
  });

  // Only root can give a file to another user; CI runs as root.
  it.runIf(isRoot)('a cache file another user owns (a HOME kept under sudo) is not read but replaced', async () => {
    const { env, file, expected } = await cachedCore();
    chownSync(file, 65534, 65534);
    const second = await runCli(['methods'], { env });
    expect(second).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(statSync(file).uid).toBe(0);
  });

  it('a FIFO where a cache file goes does not hold the start: the command runs as without a cache', async () => {
    const { env, file, expected } = await cachedCore();
    rmSync(file);
    const made = spawnSync('mkfifo', [file]);
    expect(made.status).toBe(0);
    expect(await runCli(['methods'], { env })).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(statSync(file).isFile()).toBe(true);
  });
});

describe('where the cache cannot be kept, the command runs as without one', () => {
  it('a cache folder that is a symbolic link to nowhere, or to a file, costs only the cache', async () => {
    const expected = await runCli(['createUser', '--email', 'not-an-email']);
    for (const target of ['missing', 'a-file']) {
      const cache = tempDir('cache');
      mkdirSync(join(cache, 'oneoffice'));
      writeFileSync(join(cache, 'a-file'), '');
      symlinkSync(join(cache, target), join(cache, 'oneoffice', 'code'));
      expect(await runCli(['createUser', '--email', 'not-an-email'], { env: isolatedEnv({ XDG_CACHE_HOME: cache }) })).toEqual(expected);
    }
  });

  // Only root can run the CLI as another user; CI runs as root, with setpriv.
  it.runIf(isRoot && (hasSetpriv || process.env['CI'] === 'true'))('a HOME this user may not write, or another user’s HOME with its cache, costs only the cache', async () => {
    const args = ['createUser', '--email', 'not-an-email'];
    const expected = await runCli(args);
    expect(expected.code).toBe(2);
    const readOnly = tempDir('home');
    chmodSync(readOnly, 0o555);
    // tempDir's parent is the run's own folder: nobody must be able to pass through it.
    chmodSync(join(readOnly, '..'), 0o755);
    expect(runAsNobody(readOnly, args)).toEqual(expected);
    expect(readdirSync(readOnly)).toEqual([]);
    // Root's HOME, its cache filled by root (files 0600): nobody may read any of it, and runs as without one.
    const rootsHome = tempDir('home');
    chmodSync(rootsHome, 0o755);
    expect(await runCli(args, { env: isolatedEnv({ HOME: rootsHome }) })).toEqual(expected);
    const code = join(rootsHome, '.cache', 'oneoffice', 'code');
    expect(readdirSync(code).length).toBeGreaterThan(0);
    chmodSync(join(rootsHome, '.cache'), 0o755);
    chmodSync(join(rootsHome, '.cache', 'oneoffice'), 0o755);
    chmodSync(code, 0o755);
    expect(runAsNobody(rootsHome, args)).toEqual(expected);
  });

  it('a cache folder that is a symbolic link to a folder of this user’s is used through it', async () => {
    const cache = tempDir('cache');
    const elsewhere = tempDir('elsewhere');
    mkdirSync(join(cache, 'oneoffice'));
    symlinkSync(elsewhere, join(cache, 'oneoffice', 'code'));
    expect((await runCli(['methods'], { env: isolatedEnv({ XDG_CACHE_HOME: cache }) })).code).toBe(0);
    expect(readdirSync(elsewhere).some((name) => name.startsWith('cli.cjs-'))).toBe(true);
  });

  it('processes starting at once with an empty cache all answer alike and leave whole cache files, no temporary ones', async () => {
    const { env, dir } = freshCacheHome();
    const args = ['createUser', '--email', 'not-an-email'];
    const expected = await runCli(args);
    const runs = await Promise.all(Array.from({ length: 6 }, () => runCli(args, { env })));
    for (const run of runs) expect(run).toEqual(expected);
    const names = readdirSync(dir);
    expect(names.filter((name) => !name.endsWith('.v8'))).toEqual([]);
    // The loader's own file is V8's data alone (bin/oneoffice.cjs); the bundles' start with their runs.
    for (const name of names) {
      if (name.startsWith('boot.cjs-')) expect(statSync(join(dir, name)).size).toBeGreaterThan(1000);
      else expect(readCacheFile(readFileSync(join(dir, name)))).toBeDefined();
    }
  });

  it('a cache written under other V8 flags (node --no-opt) is refused by V8 and written again: both runs answer alike', async () => {
    const { env, file, expected } = await cachedCore();
    const flagged = spawnSync(process.execPath, ['--no-opt', BIN, 'methods'], { env, encoding: 'utf8' });
    expect({ code: flagged.status, stdout: flagged.stdout, stderr: flagged.stderr }).toEqual({ code: 0, stdout: expected, stderr: '' });
    const underFlags = readFileSync(file);
    expect(await runCli(['methods'], { env })).toEqual({ code: 0, stdout: expected, stderr: '' });
    // V8 refused the flagged run's code, so this run wrote its own.
    expect(readFileSync(file).equals(underFlags)).toBe(false);
  });
});

describe('a damaged cache file costs a compile', () => {
  it('one whose list of runs claims more bytes than any list holds (a damaged length) is not read but replaced: no stack trace', async () => {
    const { env, file, expected } = await cachedCore();
    const bytes = Buffer.from(readFileSync(file));
    // The length on the first line (six digits), as a damaged disk block might leave it, in a file long enough to hold it.
    bytes.write('130000', 'oneoffice-code 1 '.length, 'latin1');
    writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(140_000)]));
    expect(readCacheFile(readFileSync(file))).toBeUndefined();
    expect(await runCli(['methods'], { env })).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(readCacheFile(readFileSync(file))?.runs.split('\n').filter(Boolean)).toEqual(['cli.cjs exit 0']);
  });

  it('one far larger than any cache file (16 MiB and more: a damaged file system, a sparse file) is not read, but one of 16 MiB is', async () => {
    const { readTrusted } = createRequire(import.meta.url)(BIN) as { readTrusted: (file: string) => Uint8Array | undefined };
    const { env, file, expected } = await cachedCore();
    const cap = 16 * 1024 * 1024;
    // Sparse: no disk is used for the zeros.
    truncateSync(file, cap);
    expect(readTrusted(file)?.length).toBe(cap);
    truncateSync(file, cap + 1);
    expect(readTrusted(file)?.length).toBeUndefined();
    expect(await runCli(['methods'], { env })).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(statSync(file).size).toBeLessThan(cap);
  });

  it('a list of runs as long as any may be is read whole', () => {
    const runs = Array.from({ length: 16 }, (_, i) => `cli.cjs call.cjs perform.cjs ${'validators/createCustomerResponse.cjs '.repeat(20)}exit ${i}`);
    const read = readCacheFile(cacheFileBytes(runs, Buffer.from('v8 data')));
    expect(read?.runs.split('\n').filter(Boolean)).toEqual(runs);
    expect(Buffer.from(read?.data ?? []).toString()).toBe('v8 data');
  });
});

// V8's code cache of the CLI's bundles (src/cli/boot.ts): kept in the user's cache directory, used
// by the next start, replaced when stale or damaged, and never the reason a command fails.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileBytes, KEEP_OTHERS_MS, MAX_OTHERS, readCacheFile } from '../../src/cli/cache-files.js';
import { HANG_MS, isolatedEnv, ROOT, runCli } from '../helpers/cli.js';
import { useMock } from '../helpers/mock-server.js';
import { tempDir } from '../helpers/temp.js';

// bin/oneoffice.cjs decides where the cache lives (it compiles the loader from it); required, not run.
const { cacheFileName, codeCacheDir } = createRequire(import.meta.url)('../../bin/oneoffice.cjs') as {
  cacheFileName: (part: string, hash: string, nodeVersion: string, arch: string) => string;
  codeCacheDir: (env: Record<string, string>, platform: NodeJS.Platform) => string | undefined;
};

/** The hash the build wrote on the first line of a bundle of dist/cli. */
function bundleHash(part: string): string {
  const hash = /^\/\/ oneoffice-bundle ([0-9a-f]{16})\n/.exec(readFileSync(join(ROOT, 'dist', 'cli', part), 'utf8'))?.[1];
  expect(hash).toBeDefined();
  return hash as string;
}

/** The cache file the CLI's core (dist/cli/cli.cjs) has in `dir` for this Node. */
function coreCacheFile(dir: string): string {
  return join(dir, cacheFileName('cli.cjs', bundleHash('cli.cjs'), process.version, process.arch));
}

/** The one cache file of a bundle (`call.cjs`) in `dir`. */
function cacheFileOf(dir: string, part: string): string {
  const names = readdirSync(dir).filter((name) => name.startsWith(`${part}-`));
  expect(names).toHaveLength(1);
  return join(dir, names[0] as string);
}

/** The runs a cache file says its code was compiled by. */
function runsIn(file: string): string[] {
  const read = readCacheFile(readFileSync(file));
  expect(read).toBeDefined();
  return (read?.runs ?? '').split('\n').filter((run) => run !== '');
}

function writeTimes(dir: string): Map<string, number> {
  return new Map(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs]));
}

/** Sets a file's times `ageMs` back, as if written then. */
function age(file: string, ageMs: number): void {
  const then = new Date(Date.now() - ageMs);
  utimesSync(file, then, then);
}

/**
 * Another build of the CLI beside this one (a global install and a project's): bin and dist/cli
 * copied, the node_modules linked, and the hash on the first line of boot.cjs and cli.cjs changed,
 * which is all that names their cache files.
 */
function otherBuild(): { bin: string; hash: (part: string) => string } {
  const root = tempDir('other-build');
  cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist', 'cli'), join(root, 'dist', 'cli'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'junction');
  const hashes = new Map<string, string>();
  for (const part of ['boot.cjs', 'cli.cjs']) {
    const file = join(root, 'dist', 'cli', part);
    const own = bundleHash(part);
    const other = `${own.slice(0, 15)}${own.endsWith('0') ? '1' : '0'}`;
    writeFileSync(file, readFileSync(file, 'utf8').replace(`// oneoffice-bundle ${own}\n`, `// oneoffice-bundle ${other}\n`));
    hashes.set(part, other);
  }
  return { bin: join(root, 'bin', 'oneoffice.cjs'), hash: (part) => hashes.get(part) as string };
}

const DRY_RUN = ['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x'];

function freshCacheHome(): { env: Record<string, string>; dir: string } {
  const cache = tempDir('cache');
  return { env: isolatedEnv({ XDG_CACHE_HOME: cache }), dir: join(cache, 'oneoffice', 'code') };
}

describe('the code cache of the bundles', () => {
  const mock = useMock();

  it('a call whose code comes from the cache sends and prints as the first one did (Node modules the bundles load on use included)', async () => {
    const { env, dir } = freshCacheHome();
    const callEnv = { ...env, ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token };
    const first = await runCli(['createUser', '--email', 'cached-1@example.com'], { env: callEnv });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(readdirSync(dir).map((name) => name.slice(0, name.indexOf('-')))).toContain('perform.cjs');
    const second = await runCli(['createUser', '--email', 'cached-2@example.com'], { env: callEnv });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ email: 'cached-2@example.com' });
    expect(mock.log().filter((line) => line.includes('createUser'))).toHaveLength(2);
  });

  it('`oneoffice test` sets its V8 flags before its bundle loads and caches what loads after under a name holding them, which its next run reads', async () => {
    const { env, dir } = freshCacheHome();
    const scenario = join(tempDir('scenario'), 'smoke.yml');
    writeFileSync(scenario, 'steps:\n  - call: getUserByEmail\n    params: { email: nobody@example.com }\n    expect: { status: 200 }\n');
    const testEnv = { ...env, ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token };
    const first = await runCli(['test', scenario], { env: testEnv });
    expect(first.stderr).toBe('');
    const written = new Map(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs]));
    expect([...written.keys()].map((name) => name.replace(/-[0-9a-f]{16}-v[\d.]+-\w+\.v8$/, '')).sort()).toEqual([
      'boot.cjs',
      'cli.cjs',
      'test.cjs~no-opt+liftoff-only',
      'validators+getUserByEmail.cjs~no-opt+liftoff-only',
      'validators+getUserByEmailResponse.cjs~no-opt+liftoff-only',
    ]);
    expect((await runCli(['test', scenario], { env: testEnv })).code).toBe(first.code);
    expect(new Map(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs]))).toEqual(written);
  });

  it('is written by a first run for each bundle it loaded, and read, not written again, by the next', async () => {
    const { env, dir } = freshCacheHome();
    const first = await runCli(['methods', '--json'], { env });
    expect(first.code).toBe(0);
    const names = readdirSync(dir).sort();
    expect(names).toEqual([expect.stringMatching(/^boot\.cjs-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8$/), expect.stringMatching(/^cli\.cjs-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8$/), expect.stringMatching(/^methods\.cjs-/)]);
    const written = names.map((name) => statSync(join(dir, name)).mtimeMs);
    const second = await runCli(['methods', '--json'], { env });
    expect(second).toEqual(first);
    // A cache V8 refused would have been written anew.
    expect(readdirSync(dir).sort()).toEqual(names);
    expect(names.map((name) => statSync(join(dir, name)).mtimeMs)).toEqual(written);
  });

  it('holds the bundles of a call too, the validator in its own file', async () => {
    const { env, dir } = freshCacheHome();
    const result = await runCli(['createUser', '--email', 'not-an-email'], { env });
    expect(result.code).toBe(2);
    expect(readdirSync(dir).map((name) => name.replace(/-[0-9a-f]{16}-v[\d.]+-\w+\.v8$/, '')).sort()).toEqual(['boot.cjs', 'cli-call.cjs', 'validators+createUser.cjs']);
  });

  it('a kind of run the cache has not seen adds the code it compiled once (a --help first left out the checks of a call); the next run of that kind writes nothing', async () => {
    const { env, dir } = freshCacheHome();
    expect((await runCli(['createUser', '--help'], { env })).code).toBe(0);
    const call = cacheFileOf(dir, 'cli-call.cjs');
    expect(runsIn(call)).toEqual(['cli-call.cjs exit 0']);
    const helpOnly = statSync(call).size;
    const first = await runCli(DRY_RUN, { env });
    expect(first.code).toBe(0);
    expect(runsIn(call)).toEqual(['cli-call.cjs exit 0', 'cli-call.cjs validators/createUser.cjs exit 0']);
    expect(statSync(call).size).toBeGreaterThan(helpOnly);
    const written = writeTimes(dir);
    expect(await runCli(DRY_RUN, { env })).toEqual(first);
    expect(writeTimes(dir)).toEqual(written);
    // The same bundles ending otherwise (a validation error, exit 2) are another kind of run.
    expect((await runCli(['createUser', '--email', 'not-an-email'], { env })).code).toBe(2);
    expect(runsIn(call)).toHaveLength(3);
  });

  it("the loader's own code (boot.cjs) is cached too: the next start reads it and writes nothing, and a damaged one is replaced", async () => {
    const { env, dir } = freshCacheHome();
    const first = await runCli(['--help'], { env });
    expect(first.code).toBe(0);
    const boot = cacheFileOf(dir, 'boot.cjs');
    // Named by bin, which reads it before boot.cjs runs, as boot.cjs names the bundles'.
    expect(boot).toBe(join(dir, cacheFileName('boot.cjs', bundleHash('boot.cjs'), process.version, process.arch)));
    const written = writeTimes(dir);
    // V8 refusing it would have had it written anew.
    expect(await runCli(['--help'], { env })).toEqual(first);
    expect(writeTimes(dir)).toEqual(written);
    writeFileSync(boot, 'not compiled code');
    expect(await runCli(['--help'], { env })).toEqual(first);
    expect(readFileSync(boot).length).toBeGreaterThan(1000);
  });

  it('a cache file that has seen 16 kinds of run is read but no longer rewritten by a new one', async () => {
    const { env, dir } = freshCacheHome();
    expect((await runCli(['methods'], { env })).code).toBe(0);
    const core = cacheFileOf(dir, 'cli.cjs');
    const read = readCacheFile(readFileSync(core));
    expect(read).toBeDefined();
    const sixteen = Array.from({ length: 16 }, (_, i) => `cli.cjs other-${i}.cjs exit 0`);
    writeFileSync(core, cacheFileBytes(sixteen, Buffer.from(read?.data ?? [])));
    const written = writeTimes(dir);
    const expected = await runCli(['methods'], { env: isolatedEnv() });
    expect(await runCli(['methods'], { env })).toEqual(expected);
    expect(writeTimes(dir)).toEqual(written);
    expect(runsIn(core)).toEqual(sixteen);
  });

  it('a file of the form before the list of runs (V8 data alone) is replaced by one with it', async () => {
    const { env, dir } = freshCacheHome();
    expect((await runCli(['methods'], { env })).code).toBe(0);
    const core = cacheFileOf(dir, 'cli.cjs');
    writeFileSync(core, Buffer.from(readCacheFile(readFileSync(core))?.data ?? []));
    expect((await runCli(['methods'], { env })).code).toBe(0);
    expect(runsIn(core)).toEqual(['cli.cjs exit 0']);
  });

  it('a damaged or cut-off cache file is ignored and replaced: the command runs as without one', async () => {
    const { env, dir } = freshCacheHome();
    const expected = await runCli(['methods'], { env: isolatedEnv() });
    const file = coreCacheFile(dir);
    mkdirSync(dir, { recursive: true });
    for (const damaged of [Buffer.from('not compiled code'), Buffer.alloc(0)]) {
      writeFileSync(file, damaged);
      expect(await runCli(['methods'], { env })).toEqual(expected);
      expect(readFileSync(file).length).toBeGreaterThan(1000);
    }
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length >> 1));
    expect(await runCli(['methods'], { env })).toEqual(expected);
    expect(readFileSync(file).length).toBeGreaterThan(whole.length >> 1);
  });

  it("another build's or Node's cache of a bundle, not written for longer than a week, is removed when its new one is written", async () => {
    const { env, dir } = freshCacheHome();
    mkdirSync(dir, { recursive: true });
    const stale = ['cli.cjs-0123456789abcdef-v20.0.0-x64.v8', cacheFileName('cli.cjs', 'fedcba9876543210', process.version, process.arch), cacheFileName('boot.cjs', 'fedcba9876543210', process.version, process.arch)];
    for (const name of stale) {
      writeFileSync(join(dir, name), 'old');
      age(join(dir, name), KEEP_OTHERS_MS + 60_000);
    }
    writeFileSync(join(dir, 'unrelated.txt'), 'kept');
    expect((await runCli(['--help'], { env })).code).toBe(0);
    const boot = cacheFileName('boot.cjs', bundleHash('boot.cjs'), process.version, process.arch);
    expect(readdirSync(dir).sort()).toEqual([boot, coreCacheFile(dir).slice(dir.length + 1), 'unrelated.txt'].sort());
  });

  it("other builds' recent caches of a bundle are kept, the newest two: no more are left behind", async () => {
    const { env, dir } = freshCacheHome();
    mkdirSync(dir, { recursive: true });
    const others = ['1111111111111111', '2222222222222222', '3333333333333333'].map((hash) => cacheFileName('cli.cjs', hash, process.version, process.arch));
    // Written an hour, two and three hours ago: within the week.
    others.forEach((name, index) => {
      writeFileSync(join(dir, name), 'other');
      age(join(dir, name), (index + 1) * 3_600_000);
    });
    expect((await runCli(['--help'], { env })).code).toBe(0);
    const names = readdirSync(dir);
    expect(names.filter((name) => name.startsWith('cli.cjs-')).sort()).toEqual([coreCacheFile(dir).slice(dir.length + 1), ...others.slice(0, MAX_OTHERS)].sort());
  });

  it("two builds used by turns with one cache folder each keep their own: after each has run once, neither compiles and writes again", async () => {
    const { env, dir } = freshCacheHome();
    const other = otherBuild();
    const runOther = (): number | null => spawnSync(process.execPath, [other.bin, '--help'], { env, cwd: ROOT, stdio: 'ignore', timeout: HANG_MS }).status;
    expect((await runCli(['--help'], { env })).code).toBe(0);
    expect(runOther()).toBe(0);
    const written = writeTimes(dir);
    for (const part of ['boot.cjs', 'cli.cjs']) {
      expect([...written.keys()]).toContain(cacheFileName(part, bundleHash(part), process.version, process.arch));
      expect([...written.keys()]).toContain(cacheFileName(part, other.hash(part), process.version, process.arch));
    }
    expect((await runCli(['--help'], { env })).code).toBe(0);
    expect(runOther()).toBe(0);
    expect(writeTimes(dir)).toEqual(written);
  });

  it('a cache written under V8 flags by an earlier build is removed when this build writes its own; the unflagged one stays', async () => {
    const { env, dir } = freshCacheHome();
    const scenario = join(tempDir('scenario'), 'smoke.yml');
    writeFileSync(scenario, 'steps:\n  - call: getUserByEmail\n    params: { email: nobody@example.com }\n    expect: { status: 200 }\n');
    mkdirSync(dir, { recursive: true });
    const stale = ['test.cjs~no-opt+liftoff-only-0123456789abcdef-v20.0.0-x64.v8', 'validators+getUserByEmail.cjs~no-opt+liftoff-only-0123456789abcdef-v20.0.0-x64.v8'];
    for (const name of stale) {
      writeFileSync(join(dir, name), 'old');
      age(join(dir, name), KEEP_OTHERS_MS + 60_000);
    }
    const testEnv = { ...env, ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token };
    expect((await runCli(['methods', '--json'], { env: testEnv })).code).toBe(0);
    const first = await runCli(['test', scenario], { env: testEnv });
    expect(first.stderr).toBe('');
    const names = readdirSync(dir);
    for (const name of stale) expect(names).not.toContain(name);
    expect(names.filter((name) => name.startsWith('test.cjs~no-opt+liftoff-only-'))).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('cli.cjs-'))).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('methods.cjs-'))).toHaveLength(1);
  });

  it('a cache directory that cannot be made costs only the cache: same output, nothing on stderr', async () => {
    const blocked = tempDir('cache');
    // A file where the directory would go.
    writeFileSync(join(blocked, 'oneoffice'), '');
    const result = await runCli(['createUser', '--email', 'not-an-email'], { env: isolatedEnv({ XDG_CACHE_HOME: blocked }) });
    const plain = await runCli(['createUser', '--email', 'not-an-email']);
    expect(result).toEqual(plain);
    expect(result.code).toBe(2);
  });
});

describe('where the code cache lives', () => {
  it('under $XDG_CACHE_HOME, else ~/.cache, beside the single executable’s addon', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }, 'linux')).toBe(join('/c', 'oneoffice', 'code'));
    expect(codeCacheDir({ HOME: '/h' }, 'darwin')).toBe(join('/h', '.cache', 'oneoffice', 'code'));
  });

  it('a relative $XDG_CACHE_HOME is ignored, as the XDG spec says', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: 'cache', HOME: '/h' }, 'linux')).toBe(join('/h', '.cache', 'oneoffice', 'code'));
  });

  it('on Windows under %LOCALAPPDATA%, else the profile’s AppData\\Local', () => {
    expect(codeCacheDir({ LOCALAPPDATA: 'C:\\L' }, 'win32')).toBe(join('C:\\L', 'oneoffice', 'Cache', 'code'));
    expect(codeCacheDir({ USERPROFILE: 'C:\\U' }, 'win32')).toBe(join('C:\\U', 'AppData', 'Local', 'oneoffice', 'Cache', 'code'));
  });

  it('without a home there is no cache (and no guess)', () => {
    expect(codeCacheDir({}, 'linux')).toBeUndefined();
    expect(codeCacheDir({}, 'win32')).toBeUndefined();
  });

  it('a file name holds the bundle, its hash, the Node version and the architecture', () => {
    expect(cacheFileName('validators/createUser.cjs', '0123456789abcdef', 'v20.20.2', 'x64')).toBe('validators+createUser.cjs-0123456789abcdef-v20.20.2-x64.v8');
  });
});

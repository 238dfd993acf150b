// How bin/oneoffice.cjs loads the CLI's bundles: through V8's code cache (Node 20 has no
// module.enableCompileCache()). Without it every start compiles each function it runs from source
// again; with it, a start after the first reads them compiled from the user's cache directory.
// The cache is only ever an aid: a missing, stale or unwritable one costs a compile, never a call.
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type Module from 'node:module';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { Script } from 'node:vm';

/** The first line of each bundle (scripts/build.mjs): the hash of what follows it. */
const BUNDLE_HASH = /^\/\/ oneoffice-bundle ([0-9a-f]{16})\n/;
/** Node's own wrapper, on the first line so that line numbers in stack traces stay right. */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the cache lives: beside the single executable's addon (scripts/sea/addon.cjs), in a folder of its own. */
export function codeCacheDir(env: Env, platform: NodeJS.Platform): string | undefined {
  if (platform === 'win32') {
    const local = env['LOCALAPPDATA'] || (env['USERPROFILE'] ? join(env['USERPROFILE'], 'AppData', 'Local') : undefined);
    return local ? join(local, 'oneoffice', 'Cache', 'code') : undefined;
  }
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg && isAbsolute(xdg) ? xdg : env['HOME'] ? join(env['HOME'], '.cache') : undefined;
  return base ? join(base, 'oneoffice', 'code') : undefined;
}

/**
 * The cache file of one bundle: its name, the hash of its text and the Node that compiled it (V8
 * refuses code of another version or flags by itself; a bundle of the same length but other text
 * it would not see, hence the hash).
 */
export function cacheFileName(part: string, hash: string, nodeVersion: string, arch: string): string {
  return `${part.replaceAll('/', '+')}-${hash}-${nodeVersion}-${arch}.v8`;
}

interface Compiled {
  script: Script;
  file: string;
  part: string;
}

export class BundleLoader {
  /** Scripts compiled without a cache this run: their code is written at exit. */
  private readonly fresh: Compiled[] = [];
  /** Set once V8's flags have changed: V8 refuses the cache then, and code it compiles is not for the next start. */
  private flagsChanged = false;

  /** `root`: the folder of the bundles; `modules`: require.cache, where each loaded bundle is listed. */
  constructor(
    private readonly root: string,
    private readonly cacheDir: string | undefined,
    private readonly modules: Record<string, Module | undefined>,
    private readonly Module: typeof import('node:module'),
  ) {}

  /** `module.exports` of the bundle at `filename`, under `root`, loaded once as require() would. */
  load(filename: string, parent: Module): unknown {
    const known = this.modules[filename];
    if (known) return known.exports;
    // The class of bin's own module: node:module itself would be one more module to load.
    const module = new this.Module(filename, parent);
    module.filename = filename;
    // Listed where require() lists what it loaded (the bench and the start-up test read it).
    this.modules[filename] = module;
    const code = readFileSync(filename, 'utf8');
    const part = relative(this.root, filename).split('\\').join('/');
    const hash = BUNDLE_HASH.exec(code)?.[1];
    const file = hash && this.cacheDir && !this.flagsChanged ? join(this.cacheDir, cacheFileName(part, hash, process.version, process.arch)) : undefined;
    const cachedData = file ? readCache(file) : undefined;
    // No import() in a bundle: the build makes each a require() (scripts/build.mjs).
    const script = new Script(`${WRAPPER_START}${code}\n})`, { filename, cachedData });
    if (file && (cachedData === undefined || script.cachedDataRejected === true)) this.fresh.push({ script, file, part });
    const dir = dirname(filename);
    let outside: NodeJS.Require | undefined;
    const requireFrom = (id: string): unknown => {
      if (id.startsWith('./') && id.endsWith('.cjs')) return this.load(join(dir, id), module);
      outside ??= this.Module.createRequire(filename);
      return outside(id);
    };
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, requireFrom, module, filename, dir);
    module.loaded = true;
    return module.exports;
  }

  /** To call before V8's flags change (the commands that set them: cli/stdio.ts engineFlags): saves what there is. */
  beforeEngineFlags(): void {
    this.save();
    this.flagsChanged = true;
  }

  /** Writes the code V8 compiled this run for each bundle that had none cached (at exit: all it ran). */
  save(): void {
    const fresh = this.fresh.splice(0);
    if (fresh.length === 0 || !this.cacheDir || this.flagsChanged) return;
    try {
      mkdirSync(this.cacheDir, { recursive: true, mode: 0o700 });
    } catch {
      return;
    }
    const existing = listing(this.cacheDir);
    for (const { script, file, part } of fresh) {
      try {
        writeAtomically(file, script.createCachedData());
      } catch {
        continue;
      }
      // Caches of this part's earlier builds or Node versions are never read again.
      const prefix = `${part.replaceAll('/', '+')}-`;
      for (const name of existing) {
        if (name.startsWith(prefix) && join(this.cacheDir, name) !== file) removeQuietly(join(this.cacheDir, name));
      }
    }
  }
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function listing(dir: string): string[] {
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
function writeAtomically(file: string, data: Buffer): void {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, data, { mode: 0o600, flag: 'wx' });
  try {
    renameSync(aside, file);
  } catch (error) {
    removeQuietly(aside);
    throw error;
  }
}

/** Runs the CLI from the bundles in `root` (dist/cli) for bin's `module`, caching their code; `modules` is require.cache. */
export function start(root: string, bin: Module, modules: Record<string, Module | undefined>): void {
  const loader = new BundleLoader(root, codeCacheDir(process.env, process.platform), modules, bin.constructor as typeof import('node:module'));
  process.once('exit', () => loader.save());
  // A shell's TAB (cli/main.ts answers `__complete` first too): its own bundle is all it needs.
  if (process.argv[2] === '__complete') {
    (loader.load(join(root, 'completion.cjs'), bin) as typeof import('./completion.js')).completeProcess(process.argv.slice(3));
    return;
  }
  const cli = loader.load(join(root, 'cli.cjs'), bin) as typeof import('./main.js');
  cli.runProcess(undefined, undefined, { beforeEngineFlags: () => loader.beforeEngineFlags() });
}

// How bin/oneoffice.cjs loads the CLI's bundles: through V8's code cache (Node 20 has no
// module.enableCompileCache()). Without it every start compiles each function it runs from source
// again; with it, a start after the first reads them compiled from the user's cache directory.
// The cache is only ever an aid: a missing, stale or unwritable one costs a compile, never a call.
// V8 puts in it only the functions that had run when it was made, so each file names the runs it has
// seen (the bundles a run loaded and how it ended): a run of another kind adds its functions once,
// instead of compiling them from source on every start (a --help first left a call's checks out).
// This loader's own code is cached too (bin/oneoffice.cjs compiles it, and says where the cache lives
// and how its files are named).
import { readFileSync } from 'node:fs';
import type Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { makeDirs } from '../files/make-dirs.js';
import { cacheFileBytes, listing, MAX_RUNS, readCacheFile, removeOthers, runList, writeAtomically } from './cache-files.js';

/** The first line of each bundle (scripts/build.mjs): the hash of what follows it. */
const BUNDLE_HASH = /^\/\/ oneoffice-bundle ([0-9a-f]{16})\n/;
/** Node's own wrapper, on the first line so that line numbers in stack traces stay right. */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';

interface Compiled {
  script: Script;
  file: string | undefined;
  part: string;
  /** The part as its cache file is named: with the V8 flags it loaded under (`test.cjs~no-opt+liftoff-only`). */
  cacheName: string;
  /** The runs its cache held when read, one a line; undefined when there was none or V8 refused it. */
  runs: string | undefined;
}

export class BundleLoader {
  /** Every bundle loaded this run, in order: at exit, those whose cache lacks this kind of run are written. */
  private readonly loaded: Compiled[] = [];
  /**
   * The V8 flags set while running ('' before any): V8 refuses code cached under other flags, so a
   * bundle loaded once they changed has a cache file of its own, named after them (`oneoffice test`
   * sets its flags before its bundle loads: that code is cached whole, and read by its next run).
   */
  private flags = '';

  /** `root`: the folder of the bundles; `modules`: require.cache, where each loaded bundle is listed. */
  constructor(
    private readonly root: string,
    private readonly cache: CacheAccess,
    private readonly modules: Record<string, Module | undefined>,
    private readonly Module: typeof import('node:module'),
    private readonly require: NodeJS.Require,
    private own?: OwnCode,
    private readonly source?: BundleSource,
  ) {
    this.cacheDir = cache.dir;
  }

  private readonly cacheDir: string | undefined;

  /** `module.exports` of the bundle at `filename`, under `root`, loaded once as require() would. */
  load(filename: string, parent: Module): unknown {
    const known = this.modules[filename];
    if (known) return known.exports;
    // The class of bin's own module: node:module itself would be one more module to load.
    const module = new this.Module(filename, parent);
    module.filename = filename;
    // Listed where require() lists what it loaded (the bench and the start-up test read it).
    this.modules[filename] = module;
    // Sliced, not path.relative(): each of Node's path functions is compiled on its first call.
    const part = filename.slice(this.root.length + 1).replaceAll('\\', '/');
    const code = this.source ? this.source.read(part) : readFileSync(filename, 'utf8');
    const hash = BUNDLE_HASH.exec(code)?.[1];
    const cacheName = this.flags ? `${part}~${this.flags}` : part;
    const file = hash && this.cacheDir ? join(this.cacheDir, this.cache.fileName(cacheName, hash, process.version, process.arch)) : undefined;
    const bytes = file ? this.cache.read(file) : undefined;
    const cached = bytes ? readCacheFile(bytes) : undefined;
    // No import() in a bundle: the build makes each a require() (scripts/build.mjs).
    const script = new Script(`${WRAPPER_START}${code}\n})`, { filename, cachedData: cached?.data });
    this.loaded.push({ script, file, part, cacheName, runs: cached && script.cachedDataRejected !== true ? cached.runs : undefined });
    const dir = filename.slice(0, Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')));
    let outside: NodeJS.Require | undefined;
    const requireFrom = (id: string): unknown => {
      if (id.startsWith('./') && id.endsWith('.cjs')) return this.load(join(dir, id), module);
      // Node's own modules are the same from anywhere, and process.getBuiltinModule hands them out
      // without require()'s resolution (bin/oneoffice.cjs says why); bin's require for any it does not know.
      if (id.startsWith('node:')) return process.getBuiltinModule(id) ?? this.require(id);
      if (this.source) {
        const stand = this.source.packages[id];
        return stand === undefined ? this.require(id) : this.load(join(this.root, stand), module);
      }
      outside ??= this.Module.createRequire(filename);
      return outside(id);
    };
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, requireFrom, module, filename, dir);
    module.loaded = true;
    return module.exports;
  }

  /**
   * To call before V8's flags change (the commands that set them: cli/stdio.ts engineFlags): saves
   * what there is, compiled under the flags until now; what loads next is cached under these too.
   */
  beforeEngineFlags(flags: readonly string[] = []): void {
    this.save('flags');
    this.flags = [this.flags, ...flags.map((flag) => flag.replace(/^--/, '').replace(/[^\w-]/g, '_'))].filter((name) => name !== '').join('+');
  }

  /**
   * Writes the code V8 compiled this run for each bundle whose cache was missing, refused, or made
   * by other kinds of run only (at exit: all it ran since the flags last changed; a change saves the
   * bundles loaded before it and empties the list). `end` is how the run ended (`exit 2`), or `flags`.
   */
  save(end: string): void {
    this.saveBundles(end);
    this.saveOwn();
  }

  private saveBundles(end: string): void {
    const loaded = this.loaded.splice(0);
    const run = `${loaded.map(({ part }) => part).join(' ')} ${end}`;
    const fresh = loaded.filter(({ file, runs }) => file !== undefined && (runs === undefined || (!`\n${runs}`.includes(`\n${run}\n`) && runList(runs).length < MAX_RUNS)));
    if (fresh.length === 0 || !this.cacheDir) return;
    try {
      makeDirs(this.cacheDir, 0o700);
    } catch {
      return;
    }
    const existing = listing(this.cacheDir);
    for (const { script, file, cacheName, runs } of fresh) {
      if (file === undefined) continue;
      try {
        writeAtomically(file, cacheFileBytes([...runList(runs ?? ''), run], script.createCachedData()));
      } catch {
        continue;
      }
      // By the name under its flags: a flagged cache of another build is removed (when old) too, and the unflagged one kept.
      removeOthers(this.cacheDir, this.cache.filePrefix(cacheName), file, existing);
    }
  }

  /**
   * The loader's own code, once, after the bundles' (what it ran to load them and, on a first run,
   * to write their caches is in it) and before V8's flags change (V8 refuses code cached under
   * other flags: the first save comes before they change).
   */
  private saveOwn(): void {
    const own = this.own;
    this.own = undefined;
    if (!own?.file || !this.cacheDir) return;
    try {
      makeDirs(this.cacheDir, 0o700);
      writeAtomically(own.file, own.script.createCachedData());
    } catch {
      return;
    }
    removeOthers(this.cacheDir, this.cache.filePrefix('boot.cjs'), own.file);
  }
}

declare const __ONEOFFICE_COMMANDS__: readonly string[] | undefined;
/** The command words of cli/registry.ts, put in by the build (none when this file is not built). */
const COMMAND_WORDS: readonly string[] = typeof __ONEOFFICE_COMMANDS__ === 'undefined' ? [] : __ONEOFFICE_COMMANDS__;

/**
 * The bundle of the CLI's core to load for a command line whose first word is `word`. A method's
 * (`oneoffice createUser ...`: a word, not a command's) gets the core built with the call command
 * in it (`cli-call.cjs`, scripts/build.mjs): one bundle instead of two that each carry the option
 * table, errors and registry. Both hold the same main(), so whichever is loaded, every command line
 * is answered alike (a misspelt command's error included); this only picks the quicker one.
 */
export function coreFor(word: string | undefined, commands: readonly string[] = COMMAND_WORDS): string {
  return word !== undefined && /^[A-Za-z]/.test(word) && !commands.includes(word) ? 'cli-call.cjs' : 'cli.cjs';
}

/**
 * The cache as bin/oneoffice.cjs found it: its folder, its one reader of a cache file (only a
 * file this user wrote and no one else may change is read: it is code this process runs), and how
 * a cache file is named (bin names the loader's own so, before this file is loaded).
 */
export interface CacheAccess {
  dir: string | undefined;
  read: (file: string) => Uint8Array | undefined;
  /** `<part>-<hash>-<node version>-<arch>.v8`, a part's "/" as "+": V8 refuses code of another version or flags by itself; the hash tells apart bundles of the same length. */
  fileName: (part: string, hash: string, nodeVersion: string, arch: string) => string;
  /** What every cache file of `part` starts with: other builds' are found by it (and the old ones removed). */
  filePrefix: (part: string) => string;
}

/** The loader's own code: compiled by bin/oneoffice.cjs, whose cache `file` it had none of, or V8 refused. */
export interface OwnCode {
  script: Script;
  file: string | undefined;
}

/**
 * The single executable's bundles (scripts/sea/entry.cjs): its assets, named by their path in
 * dist/cli, where `root` is only a name (the executable's path) for stack traces and the module list.
 */
export interface BundleSource {
  /** The text of the bundle `part` (`validators/createUser.cjs`). */
  read: (part: string) => string;
  /** The packages the bundles require, by the bundle that stands in for each; any other is Node's. */
  packages: Readonly<Record<string, string>>;
}

/**
 * Runs the CLI from the bundles in `root` (dist/cli) for bin's `module` and `require`, caching their
 * code in `cache.dir` (bin/oneoffice.cjs decides where), and this loader's own when `own` is given;
 * from `source` instead of files in the single executable.
 */
export function start(root: string, bin: Module, binRequire: NodeJS.Require, cache: CacheAccess, own?: OwnCode, source?: BundleSource): void {
  // A single executable's require has no cache: its bundles are listed in one of their own.
  const modules = (binRequire.cache as Record<string, Module | undefined> | undefined) ?? {};
  const loader = new BundleLoader(root, cache, modules, bin.constructor as typeof import('node:module'), binRequire, own, source);
  // on(), not once(): once() compiles four more of Node's functions, and exit comes once anyway.
  process.on('exit', (code) => loader.save(`exit ${code}`));
  // A shell's TAB (cli/main.ts answers `__complete` first too): its own bundle is all it needs.
  if (process.argv[2] === '__complete') {
    (loader.load(join(root, 'tab.cjs'), bin) as typeof import('./tab.js')).tabProcess(process.argv.slice(3));
    return;
  }
  const cli = loader.load(join(root, coreFor(process.argv[2])), bin) as typeof import('./main.js');
  cli.runProcess(undefined, undefined, { beforeEngineFlags: (flags?: readonly string[]) => loader.beforeEngineFlags(flags) });
}

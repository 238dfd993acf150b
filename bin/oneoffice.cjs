#!/usr/bin/env node
'use strict';
// CommonJS: Node starts it faster than an ES module, and start-up is most of a single call's cost.
// The bundles load through boot.cjs, which keeps V8's compiled code for them (src/cli/boot.ts).
// boot.cjs itself is compiled here, from V8's code cache as well: compiling the loader's functions
// from source took ~0.5 ms of every start. So where the cache lives is decided here, and boot.cjs
// is told. It is compiled rather than required: require() would first read package.json for an
// "exports" of this package that could name it (0.4 ms of every start).
// The single executable starts through this file too: scripts/sea/entry.cjs calls boot() with its assets.
// Node's modules come from process.getBuiltinModule (Node >= 20.16), not require(): a start then never
// runs require()'s functions, which Node compiles from source on their first use (~0.07 ms for the
// first module, ~0.02 ms for each after it); boot.cjs and the bundles get theirs the same way.
// On a Node older than package.json's engines (20.18.1: undici 7's), one line naming the Node needed,
// and exit 3 (a configuration error in the exit-code table, src/api/errors.ts), rather than a
// TypeError and its stack (before 20.16, no getBuiltinModule) or a failure further on.
if (typeof process.getBuiltinModule !== 'function' || olderNode(process.versions.node)) {
  require('node:fs').writeSync(2, `oneoffice: needs Node.js 20.18.1 or later; this is Node.js ${process.version}\n`);
  process.exit(3);
}
/** Whether Node `version` (`20.18.0`) is older than 20.18.1. */
function olderNode(version) {
  const [major, minor, patch] = version.split('.', 3).map(Number);
  return major < 20 || (major === 20 && (minor < 18 || (minor === 18 && patch < 1)));
}
const { isAbsolute, join } = process.getBuiltinModule('node:path');
const { closeSync, constants, fstatSync, openSync, readFileSync, readvSync } = process.getBuiltinModule('node:fs');
const { Script } = process.getBuiltinModule('node:vm');

/**
 * The user's cache folder of oneoffice: %LOCALAPPDATA%\oneoffice\Cache (else the profile's AppData\Local),
 * $XDG_CACHE_HOME/oneoffice (an absolute one, as the XDG spec says), else ~/.cache/oneoffice; none
 * without a home. The one definition: the code cache is its `code` folder, and the single
 * executable's lock addon (scripts/sea/addon.cjs, which bundles this file) is written into it.
 */
function cacheDir(env, platform) {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || (env.USERPROFILE ? join(env.USERPROFILE, 'AppData', 'Local') : undefined);
    return local ? join(local, 'oneoffice', 'Cache') : undefined;
  }
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : env.HOME ? join(env.HOME, '.cache') : undefined;
  return base ? join(base, 'oneoffice') : undefined;
}

/** Where the code cache lives: a folder of its own in the user's cache folder. */
function codeCacheDir(env, platform) {
  const dir = cacheDir(env, platform);
  return dir ? join(dir, 'code') : undefined;
}

/**
 * The code-cache files of a bundle (`validators/createUser.cjs`, or `test.cjs~no-opt` under V8
 * flags) start so: its other builds' are found by it (src/cli/boot.ts removes the old ones).
 */
function cacheFilePrefix(part) {
  return `${part.replaceAll('/', '+')}-`;
}

/**
 * A bundle's code-cache file: its name, the hash of its text and the Node that compiled it (V8
 * refuses code of another version or flags by itself; a bundle of the same length but other text
 * it would not see, hence the hash). The one definition: this file names the loader's own, and
 * hands it to boot.cjs for the bundles'.
 */
function cacheFileName(part, hash, nodeVersion, arch) {
  return `${cacheFilePrefix(part)}${hash}-${nodeVersion}-${arch}.v8`;
}

/**
 * The largest cache file read: V8's code for the largest bundle is ~130 KB. A bigger one (a damaged
 * file system, a sparse file) would be allocated and read whole on every start, only for V8 to refuse it.
 */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Why a file or folder, as fstat or lstat described it, is not this user's alone (another user could
 * change it), else undefined. Both places that run code read from the user's folders check with it:
 * readTrusted (the code cache) and the single executable's lock addon (scripts/sea/addon.cjs), which
 * shows the reason. `uid`: this user's (geteuid); undefined where there is none (Windows: no such
 * modes), and nothing is refused.
 */
function distrust(stats, kind, uid) {
  if (uid === undefined) return undefined;
  if (kind === 'folder' ? !stats.isDirectory() : !stats.isFile()) return stats.isSymbolicLink() ? 'is a symbolic link' : `is not a ${kind}`;
  if (stats.uid !== uid) return `belongs to another user (uid ${stats.uid})`;
  if ((stats.mode & 0o022) !== 0) return `may be written by other users (mode 0${(stats.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * The bytes of a cache file, read only when this user wrote it and no one else may change it: it is
 * code this process runs (a HOME kept under sudo, a shared XDG_CACHE_HOME); any other is replaced
 * at exit. O_NONBLOCK: a FIFO where the file goes would otherwise hold the start forever. The one
 * reader of the cache: boot.cjs reads the bundles' through it.
 */
function readTrusted(file) {
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_CACHE_BYTES || distrust(stats, 'file', process.geteuid?.()) !== undefined) return undefined;
    // Read into an array of the size fstat gave: readFileSync(fd) stats it again and runs more of
    // Node's functions, each compiled from source on every start. readvSync rather than readSync,
    // whose checks of its arguments cost ~0.09 ms more to compile on the first read.
    const bytes = new Uint8Array(stats.size);
    let read = 0;
    for (let n = 1; read < bytes.length && n > 0; read += n) n = readvSync(fd, [bytes.subarray(read)], read);
    return read === bytes.length ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function closeQuietly(fd) {
  try {
    closeSync(fd);
  } catch {
    // Nothing was written through it.
  }
}

/** The first line of boot.cjs, as of every bundle (scripts/build.mjs): the hash of what follows it. */
const BUNDLE_HASH = /^\/\/ oneoffice-bundle ([0-9a-f]{16})\n/;

/**
 * Compiles boot.cjs of `root` (read from disk, or from the single executable's `source`: scripts/sea/entry.cjs)
 * and starts the CLI through it, for `bin`, the module running this, and its `require`.
 */
function boot(root, bin, binRequire, source) {
  const file = join(root, 'boot.cjs');
  const code = source ? source.read('boot.cjs') : readFileSync(file, 'utf8');
  const codeDir = codeCacheDir(process.env, process.platform);
  const hash = BUNDLE_HASH.exec(code)?.[1];
  // Named as the bundles' caches are; V8's data alone, no list of runs: the loader runs the same
  // functions whatever the command.
  const cacheFile = hash && codeDir ? join(codeDir, cacheFileName('boot.cjs', hash, process.version, process.arch)) : undefined;
  // None yet, unreadable or not trusted: compiled from source, and written at exit.
  const cachedData = cacheFile ? readTrusted(cacheFile) : undefined;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: file, cachedData });
  const loader = new bin.constructor(file, bin);
  loader.filename = file;
  // Listed where require() would list it (the bench and the start-up test read require.cache; a single executable's require has none).
  if (binRequire.cache) binRequire.cache[file] = loader;
  // Its own imports of Node's modules too (the first line of this file says why).
  const bootRequire = (id) => (id.startsWith('node:') ? process.getBuiltinModule(id) : undefined) ?? binRequire(id);
  script.runInThisContext().call(loader.exports, loader.exports, bootRequire, loader, file, root);
  loader.loaded = true;
  const own = cachedData === undefined || script.cachedDataRejected === true ? { script, file: cacheFile } : undefined;
  loader.exports.start(root, bin, binRequire, { dir: codeDir, read: readTrusted, fileName: cacheFileName, filePrefix: cacheFilePrefix }, own, source);
}

if (require.main === module) boot(join(__dirname, '..', 'dist', 'cli'), module, require);
else module.exports = { boot, cacheDir, cacheFileName, codeCacheDir, distrust, readTrusted };

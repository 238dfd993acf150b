'use strict';
// fs-native-extensions' binary inside a single executable (scripts/package.mjs bundles this in place
// of the package's binding.js). Node loads a native addon only from a file, so the one carried as an
// asset is written once to the user's cache directory, under a name holding its hash, and loaded
// from there with process.dlopen: the lock keeps its guarantees (an OS lock that dies with the
// process, even on kill -9). A file already there is loaded only when its bytes are the asset's.
// The file is code this process runs: on POSIX a folder or file another user could change (a
// `/tmp/oneoffice-<uid>` made first by someone else, mode 0777, or a symbolic link to a folder of
// theirs) is never written to nor loaded from, by the check bin/oneoffice.cjs's readTrusted makes of the code cache (distrust).
const sea = require('node:sea');
const { lstatSync, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
// Bundled in by scripts/package.mjs (esbuild): the same `mkdir -p` that always ends as the CLI's,
// and the user's cache folder as the CLI's start decides it (the code cache is in it too).
const { makeDirs } = require('../../src/files/make-dirs.ts');
const { ConfigError } = require('../../src/api/errors.ts');
// and the one check of whether a folder or file is this user's alone (distrust), as the code cache's.
const { cacheDir, distrust } = require('../../bin/oneoffice.cjs');

// Set by scripts/package.mjs: the asset's name, and the file name (package version and hash).
const ASSET = __SEA_ADDON_ASSET__;
const FILE = __SEA_ADDON_FILE__;
// Windows has no uid and no such modes (a folder's ACL comes from the profile's): no owner check there.
const UID = process.platform === 'win32' ? undefined : process.geteuid();

/**
 * The user's cache folder, then a folder of this user's in the temporary directory: for a user with
 * no home (HOME unset) or a cache folder that cannot be written (read-only, under /proc) or trusted.
 */
function cacheDirs() {
  const tmp = join(tmpdir(), `oneoffice-${UID ?? 'cache'}`);
  const cache = cacheDir(process.env, process.platform);
  return cache ? [cache, tmp] : [tmp];
}

/** A folder or file that is not this user's alone, as an error of the same shape as a failed write's. */
class Untrusted extends Error {}

function sameBytes(path, bytes) {
  try {
    return readFileSync(path).equals(bytes);
  } catch {
    return false;
  }
}

/** Whether `path` is a file of this user's alone with these bytes (one to load as it is). */
function trustedCopy(path, bytes) {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return false;
  }
  return distrust(stats, 'file', UID) === undefined && sameBytes(path, bytes);
}

/** The addon's file in `dir`, a folder of this user's alone, written there unless it already holds these bytes. */
function placed(dir, bytes) {
  makeDirs(dir, 0o700);
  // lstat: a symbolic link is not followed to a folder of someone else's.
  const why = distrust(lstatSync(dir), 'folder', UID);
  if (why) throw new Untrusted(why);
  const path = join(dir, FILE);
  if (trustedCopy(path, bytes)) return path;
  // Written aside and renamed, so that a process loading it never reads half a file; a file of
  // another user's there (or a link) is replaced: the folder is ours.
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, bytes, { mode: 0o700 });
  try {
    renameSync(aside, path);
  } catch (error) {
    // Windows refuses to replace a file another process has loaded; that one has these bytes.
    if (sameBytes(path, bytes)) {
      unlinkSync(aside);
      return path;
    }
    throw error;
  }
  // Written by this user with no one else's write bits, in a folder of theirs alone: no one else
  // can change it before it is loaded.
  return path;
}

function load() {
  const bytes = Buffer.from(sea.getRawAsset(ASSET));
  const problems = [];
  for (const dir of cacheDirs()) {
    let path;
    try {
      path = placed(dir, bytes);
    } catch (error) {
      problems.push(`${dir} ${error instanceof Untrusted ? error.message : `cannot be written (${error.code ?? error.message})`}`);
      continue;
    }
    const addon = { exports: {} };
    process.dlopen(addon, path);
    return addon.exports;
  }
  const hint = UID === undefined ? '' : ': set XDG_CACHE_HOME to a folder of yours';
  throw new ConfigError(`no cache folder to load the file-lock library (${FILE}) from: ${problems.join('; ')}${hint}`, 'E_CACHE_DIR');
}

module.exports = load();

'use strict';
// fs-native-extensions' binary inside a single executable (scripts/package.mjs bundles this in place
// of the package's binding.js). Node loads a native addon only from a file, so the one carried as an
// asset is written once to the user's cache directory, under a name holding its hash, and loaded
// from there with process.dlopen: the lock keeps its guarantees (an OS lock that dies with the
// process, even on kill -9). A file already there is loaded only when its bytes are the asset's.
const sea = require('node:sea');
const { readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
// Bundled in by scripts/package.mjs (esbuild): the same `mkdir -p` that always ends as the CLI's,
// and the user's cache folder as the CLI's start decides it (the code cache is in it too).
const { makeDirs } = require('../../src/files/make-dirs.ts');
const { cacheDir } = require('../../bin/oneoffice.cjs');

// Set by scripts/package.mjs: the asset's name, and the file name (package version and hash).
const ASSET = __SEA_ADDON_ASSET__;
const FILE = __SEA_ADDON_FILE__;

/**
 * The user's cache folder, then a folder of this user's in the temporary directory: for a user with
 * no home (HOME unset) or a cache folder that cannot be written (read-only, under /proc).
 */
function cacheDirs() {
  const tmp = join(tmpdir(), `oneoffice-${process.platform === 'win32' ? 'cache' : process.getuid()}`);
  const cache = cacheDir(process.env, process.platform);
  return cache ? [cache, tmp] : [tmp];
}

function sameBytes(path, bytes) {
  try {
    return readFileSync(path).equals(bytes);
  } catch {
    return false;
  }
}

/** The addon's file in `dir`, written there unless it already holds these bytes. */
function placed(dir, bytes) {
  const path = join(dir, FILE);
  if (sameBytes(path, bytes)) return path;
  makeDirs(dir, 0o700);
  // Written aside and renamed, so that a process loading it never reads half a file.
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
      problems.push(`${dir}: ${error.code ?? error.message}`);
      continue;
    }
    const addon = { exports: {} };
    process.dlopen(addon, path);
    return addon.exports;
  }
  throw new Error(`oneoffice could not write its file-lock library (${FILE}) to a cache directory (${problems.join('; ')})`);
}

module.exports = load();

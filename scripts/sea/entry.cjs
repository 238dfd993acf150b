'use strict';
// The start of oneoffice's single executable (scripts/package.mjs puts bin/oneoffice.cjs right after
// it, as the module `seaBin`, then calls seaStart). Every bundle of dist/cli is an asset, and the
// executable starts as the npm-installed tool does: bin's boot() compiles the loader (boot.cjs),
// which compiles each bundle when first required, with V8's code cache from the user's cache
// folder, read and written by the same rules. A cache made when the blob is built would hold only
// the functions V8 compiles before running anything; one written at exit holds those the run used.
const sea = require('node:sea');

const seaBin = { exports: {} };

/**
 * The bundles, by their path in dist/cli; the lock's package is the bundle made for it (scripts/sea/addon.cjs).
 * Read in place and decoded by Buffer's native utf8Slice: getAsset(part, 'utf8') copies the asset,
 * then decodes it through a TextDecoder, which --help (two bundles) paid for on every start.
 */
const seaSource = {
  read: (part) => Buffer.from(sea.getRawAsset(part)).utf8Slice(),
  packages: { 'fs-native-extensions': 'fs-native-extensions.cjs' },
};

function seaStart() {
  // The executable's path names the bundles in stack traces: they have no file of their own.
  seaBin.exports.boot(process.execPath, module, require, seaSource);
}

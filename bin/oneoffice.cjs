#!/usr/bin/env node
'use strict';
// CommonJS: Node starts it faster than an ES module, and start-up is most of a single call's cost.
// The bundles load through boot.cjs, which keeps V8's compiled code for them (src/cli/boot.ts).
// boot.cjs is compiled here rather than required: require() would first read package.json for
// an "exports" of this package that could name it (0.4 ms of every start).
const { join } = require('node:path');
const root = join(__dirname, '..', 'dist', 'cli');
const file = join(root, 'boot.cjs');
const boot = new module.constructor(file, module);
boot.filename = file;
// Listed where require() would list it (the bench and the start-up test read require.cache).
require.cache[file] = boot;
boot._compile(require('node:fs').readFileSync(file, 'utf8'), file);
boot.loaded = true;
boot.exports.start(root, module, require);

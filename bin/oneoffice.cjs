#!/usr/bin/env node
'use strict';
// CommonJS: Node starts it faster than an ES module, and start-up is most of a single call's cost.
// The bundles load through boot.cjs, which keeps V8's compiled code for them (src/cli/boot.ts).
require('../dist/cli/boot.cjs').start(require('node:path').join(__dirname, '..', 'dist', 'cli'), module, require.cache);

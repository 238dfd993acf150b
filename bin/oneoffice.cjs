#!/usr/bin/env node
'use strict';
// CommonJS: Node starts it faster than an ES module, and start-up is most of a single call's cost.
const { main, processDeps } = require('../dist/cli/cli.cjs');

main(process.argv.slice(2), processDeps()).then((code) => {
  process.exitCode = code;
});

#!/usr/bin/env node
'use strict';
// CommonJS: Node starts it faster than an ES module, and start-up is most of a single call's cost.
const { main } = require('../dist/cli/cli.cjs');

// A reader that quits early (`| head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // process.stdin opens a handle on first access; only commands that read stdin touch it.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});

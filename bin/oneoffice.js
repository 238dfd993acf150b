#!/usr/bin/env node
import { main } from '../dist/cli.js';

// A reader that quits early (`| head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // process.stdin opens a handle on first access; only commands that read stdin touch it.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
});

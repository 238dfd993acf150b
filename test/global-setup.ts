// One temporary directory for the whole run: every test's temp files (HOMEs, certificates, inputs)
// go under it through TMPDIR, and it is removed at the end, so runs leave nothing in /tmp.
// And a stale build is named before any test runs: the end-to-end tests spawn dist/, so after an
// edit without `npm run build` they would test yesterday's code and fail (or pass) for no reason.
// What counts as the build's inputs is scripts/build-inputs.mjs, which `npm test`'s build also uses
// to skip building when nothing changed: the two cannot disagree.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleReason } from '../scripts/build-inputs.mjs';

export default function setup(): () => Promise<void> {
  const stale = staleBuild(process.argv);
  if (stale) throw new Error(stale);
  const root = mkdtempSync(join(tmpdir(), 'oneoffice-tests-'));
  process.env['TMPDIR'] = root;
  // Removed without blocking this process: vitest runs this teardown while its workers are still
  // stopping, and their replies and exits are events here. A synchronous removal of the run's tree
  // (~6,000 files, ~120 MB) held them up for 4 s beside other load, and past vitest's 10 s
  // teardownTimeout on a busier machine: "Timeout terminating forks worker".
  // Retried: a process a test stopped without waiting for it (or its child, such as a shell saving
  // its history) may still be writing under it, and a removal that meets a folder filled meanwhile
  // fails with ENOTEMPTY, which would fail the run after every test passed.
  return () => rm(root, { recursive: true, force: true, maxRetries: 10 });
}

/** Why dist/ cannot be trusted, or undefined; a run of test/unit alone needs no build. */
export function staleBuild(argv: readonly string[]): string | undefined {
  const filters = argv.slice(argv.indexOf('run') + 1).filter((arg) => !arg.startsWith('-') && /^(\.\/)?test\//.test(arg));
  if (filters.length > 0 && filters.every((filter) => /^(\.\/)?test\/unit(\/|$)/.test(filter))) return undefined;
  const reason = staleReason();
  return reason === undefined ? undefined : `dist/ is stale (${reason}): run \`npm run build\` first (npm test builds before testing)`;
}

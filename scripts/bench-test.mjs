// Scenario benchmark (issue 12), against `oneoffice mock` on loopback, side by side in one run:
//   (a) `oneoffice test` running a 100-step scenario (createUser, each answer checked);
//   (b) `oneoffice batch` sending the same 100 calls with --concurrency 1 (no checks);
//   (c) the same checks as a bash script: one curl and one jq per step.
// Whole processes, start-up included, as a CI job would run them. Targets: (a) at most 2x (b),
// and (c) at least 20x (a). Exits 0 even when a target is missed (this reports); non-zero only
// when something breaks. Usage: node scripts/bench-test.mjs [--rounds N] (build dist/ first)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockProcess, stopProcess } from './bench-mock.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'oneoffice.cjs');
const node = process.execPath;
const STEPS = 100;
const roundsArg = process.argv.indexOf('--rounds');
/** Rounds of (a), (b) and (c), interleaved; the median of each counts. */
const ROUNDS = roundsArg === -1 ? 7 : Number(process.argv[roundsArg + 1]);
const home = mkdtempSync(join(tmpdir(), 'oneoffice-bench-test-'));
const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
const token = randomBytes(12).toString('hex');
const notes = [];
let mock;

function fail(message) {
  process.stderr.write(`bench-test: ${message}\n`);
  mock?.kill();
  rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  process.exit(1);
}

if (!existsSync(join(root, 'dist', 'cli', 'test.cjs'))) fail('dist/cli/test.cjs is missing: run `node scripts/build.mjs` first');

/** Starts the mock (scripts/bench-mock.mjs); resolves with its URL, or null. */
async function startMock() {
  const started = await startMockProcess({ node, bin, token, env: baseEnv });
  mock = started?.child;
  return started?.url ?? null;
}

function timed(name, command, args, env, expectCode = 0) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    child.on('error', (error) => fail(`${name}: ${error.message}`));
    child.on('close', (code) => {
      if (code !== expectCode) fail(`${name} exited with ${code}\n${output.slice(0, 3000)}`);
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

// --- the inputs: the same 100 createUser calls three ways ------------------------------------
const scenario = join(home, 'hundred.yml');
const steps = Array.from({ length: STEPS }, (_, i) => `  - call: createUser
    params: { email: "s${i}-{{ run.id }}@example.com" }
    expect: { status: 200, body: { email: "s${i}-{{ run.id }}@example.com" } }`);
writeFileSync(scenario, `name: hundred\nsteps:\n${steps.join('\n')}\n`);

let round = 0;
function batchInput() {
  const path = join(home, `batch-${++round}.ndjson`);
  writeFileSync(path, Array.from({ length: STEPS }, (_, i) => JSON.stringify({ method: 'createUser', params: { email: `b${i}-${round}-${token}@example.com` } })).join('\n') + '\n');
  return path;
}

const BASH_SCRIPT = `set -euo pipefail
for i in $(seq 0 ${STEPS - 1}); do
  email="c$i-$TAG@example.com"
  body=$(curl -sS -w '\\n%{http_code}' -X GET "$ONEOFFICE_URL" -H "x-api-key: $ONEOFFICE_BEARER" -H 'Content-Type: application/json' \\
    --data "{\\"method\\":\\"createUser\\",\\"params\\":{\\"email\\":\\"$email\\"}}")
  [ "\${body##*$'\\n'}" = 200 ] || { echo "step $i: status \${body##*$'\\n'}"; exit 1; }
  printf '%s' "\${body%$'\\n'*}" | jq -e --arg e "$email" '.email == $e' > /dev/null || { echo "step $i: email"; exit 1; }
done`;
const hasShellTools = ['curl', 'jq', 'bash'].every((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0);
if (!hasShellTools) notes.push('curl, jq or bash not found: no bash + curl + jq row (apt-get install curl jq)');

const url = await startMock();
if (!url) fail('could not start `oneoffice mock`');
const env = { ...baseEnv, ONEOFFICE_URL: url, ONEOFFICE_BEARER: token };
const times = { test: [], batch: [], bash: [] };
// One untimed run of each: checks they work and warms the file cache.
await timed('oneoffice test', node, [bin, 'test', scenario], env);
await timed('oneoffice batch', node, [bin, 'batch', batchInput(), '--concurrency', '1'], env);
if (hasShellTools) await timed('bash + curl + jq', 'bash', ['-c', BASH_SCRIPT], { ...env, TAG: `w${token}` });
for (let i = 0; i < ROUNDS; i++) {
  times.test.push(await timed('oneoffice test', node, [bin, 'test', scenario], env));
  times.batch.push(await timed('oneoffice batch', node, [bin, 'batch', batchInput(), '--concurrency', '1'], env));
  if (hasShellTools && i < Math.min(ROUNDS, 3)) times.bash.push(await timed('bash + curl + jq', 'bash', ['-c', BASH_SCRIPT], { ...env, TAG: `r${i}${token}` }));
}
await stopProcess(mock);
rmSync(home, { recursive: true, force: true, maxRetries: 5 });

// --- report -----------------------------------------------------------------------------------
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const testMs = median(times.test);
const batchMs = median(times.batch);
const bashMs = times.bash.length ? median(times.bash) : NaN;
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const rows = [
  ['oneoffice test, 100-step scenario', testMs.toFixed(0), '', '', ''],
  ['oneoffice batch, same calls, --concurrency 1', batchMs.toFixed(0), '', '', ''],
  times.bash.length ? ['bash: curl + jq per step', bashMs.toFixed(0), '', '', ''] : ['bash: curl + jq per step', 'n/a', '', '', ''],
  ['test ÷ batch', '', `${(testMs / batchMs).toFixed(2)}×`, '≤ 2×', verdict(testMs / batchMs <= 2)],
];
if (times.bash.length) rows.push(['bash ÷ test', '', `${(bashMs / testMs).toFixed(1)}×`, '≥ 20×', verdict(bashMs / testMs >= 20)]);
const header = ['case', 'median ms', 'ratio', 'target', 'result'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
const format = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ').trimEnd();
console.log(`oneoffice test benchmark against oneoffice mock on loopback; node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
console.log(format(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(format(row));
console.log(`note: whole processes, start-up included; median of ${ROUNDS} runs of test and batch, ${times.bash.length} of bash; each run creates new users on one mock`);
console.log('note: test checks status and e-mail of every answer; bash does the same checks with curl -w and jq -e; batch checks nothing');
for (const note of notes) console.log(`note: ${note}`);

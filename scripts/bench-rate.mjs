// Rate-limit benchmark (issue 21): 1,500 createUser calls with `oneoffice batch --concurrency 16
// --retry 10` against `oneoffice mock --rate-limit 100`, whose ideal is 15 s. Side by side in one
// run: this build (one pause shared by every call, then an adapted pace) and a build of main from
// before that work (commit BASELINE_COMMIT: each worker waits out its own Retry-After), built into a
// temporary directory from git. Each run gets a fresh mock; its call log counts the 429s and proves
// every line created exactly once. Targets: at most 1.25x the ideal, at most 5 % of calls answered
// 429. Exits 0 even when a target is missed (this reports). Usage: node scripts/bench-rate.mjs [--rounds N]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockProcess } from './bench-mock.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const CALLS = 1500;
const LIMIT_PER_S = 100;
const CONCURRENCY = 16;
const IDEAL_S = CALLS / LIMIT_PER_S;
/** main just before the shared pause (issue 21): every worker waited alone. */
const BASELINE_COMMIT = 'fa18fda';
const roundsArg = process.argv.indexOf('--rounds');
/** Runs of each, alternating (ours, the baseline, ours, ...); the median of each counts. */
const ROUNDS = roundsArg === -1 ? 2 : Number(process.argv[roundsArg + 1]);

const home = mkdtempSync(join(tmpdir(), 'oneoffice-bench-rate-'));
const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
const token = randomBytes(12).toString('hex');
const notes = [];
let mock;

function fail(message) {
  process.stderr.write(`bench-rate: ${message}\n`);
  mock?.kill();
  rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  process.exit(1);
}

/** The baseline's bin, built from git into the temporary directory; null (with a note) when that cannot be done. */
function buildBaseline() {
  const dir = join(home, 'baseline');
  const archive = spawnSync('sh', ['-c', `mkdir -p '${dir}' && git -C '${root}' archive ${BASELINE_COMMIT} | tar -x -C '${dir}'`], { encoding: 'utf8' });
  if (archive.status !== 0) {
    notes.push(`no baseline: commit ${BASELINE_COMMIT} could not be read from git (${archive.stderr.trim().split('\n')[0] ?? ''})`);
    return null;
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const build = spawnSync(node, [join(dir, 'scripts', 'build.mjs'), '--quiet'], { cwd: dir, encoding: 'utf8' });
  if (build.status !== 0) {
    notes.push(`no baseline: its build failed (${build.stderr.trim().split('\n')[0] ?? ''})`);
    return null;
  }
  return join(dir, 'bin', 'oneoffice.cjs');
}

let files = 0;
async function runOnce(bin) {
  const started = await startMockProcess({ node, bin: join(root, 'bin', 'oneoffice.cjs'), token, env: baseEnv, args: ['--rate-limit', String(LIMIT_PER_S)], log: true });
  if (!started) fail('could not start `oneoffice mock --rate-limit`');
  mock = started.child;
  let log = '';
  mock.stderr.setEncoding('utf8').on('data', (chunk) => (log += chunk));
  const tag = `${process.pid}-${++files}`;
  const input = join(home, `rate-${tag}.ndjson`);
  writeFileSync(input, Array.from({ length: CALLS }, (_, i) => JSON.stringify({ method: 'createUser', params: { email: `rate-${tag}-${i}@example.com` } })).join('\n') + '\n');
  const results = join(home, `results-${tag}.ndjson`);
  const env = { ...baseEnv, ONEOFFICE_URL: started.url, ONEOFFICE_BEARER: token };
  const begin = process.hrtime.bigint();
  const { code, stderr } = await new Promise((resolve) => {
    const child = spawn(node, [bin, 'batch', input, '--concurrency', String(CONCURRENCY), '--retry', '10', '--results', results], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr.on('data', (data) => (text += data));
    child.on('close', (exit) => resolve({ code: exit, stderr: text }));
  });
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  mock.kill();
  await new Promise((resolve) => mock.once('exit', resolve));
  mock = undefined;
  const calls = log.split('\n').filter((line) => /^createUser \d{3} /.test(line));
  const created = calls.filter((line) => line.startsWith('createUser 200 ')).length;
  const tooMany = calls.filter((line) => line.startsWith('createUser 429 ')).length;
  const ok = readFileSync(results, 'utf8').split('\n').filter((line) => line.includes('"ok":true')).length;
  if (code !== 0 || ok !== CALLS || created !== CALLS || calls.length !== created + tooMany) {
    fail(`batch exited ${code}: ${ok} of ${CALLS} lines ok, ${created} created, ${calls.length - created - tooMany} other answers\n${stderr.split('\n').slice(-3).join('\n')}`);
  }
  return { seconds, tooMany, sent: calls.length, summary: stderr.trim().split('\n').pop() };
}

const ours = join(root, 'bin', 'oneoffice.cjs');
if (!existsSync(join(root, 'dist', 'cli', 'cli.cjs'))) fail('dist/ is missing: run `node scripts/build.mjs` first');
const baseline = buildBaseline();
const runs = { ours: [], baseline: [] };
for (let round = 0; round < ROUNDS; round++) {
  runs.ours.push(await runOnce(ours));
  if (baseline) runs.baseline.push(await runOnce(baseline));
}
rmSync(home, { recursive: true, force: true, maxRetries: 5 });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const header = ['case', 'wall s', '× ideal', '429s', '429 share', 'target', 'result'];
const row = (name, list, judged) => {
  if (!list.length) return [name, 'n/a'];
  const seconds = median(list.map((run) => run.seconds));
  const tooMany = median(list.map((run) => run.tooMany));
  const share = tooMany / CALLS;
  const fast = seconds / IDEAL_S <= 1.25;
  const polite = share <= 0.05;
  return [name, seconds.toFixed(1), `${(seconds / IDEAL_S).toFixed(2)}×`, String(tooMany), `${(share * 100).toFixed(1)}%`, judged ? '≤ 1.25×, ≤ 5%' : '—', judged ? (fast && polite ? 'PASS' : 'FAIL') : ''];
};
const rows = [row('oneoffice batch (shared pause, adaptive pace)', runs.ours, true), row(`today's before it (${BASELINE_COMMIT}: each worker waits alone)`, runs.baseline, false)];
const full = rows.filter((cells) => cells.length === header.length);
const widths = header.map((h, i) => Math.max(h.length, ...full.map((cells) => String(cells[i]).length)));
const format = (cells) => (cells.length < header.length ? cells.join('  ') : cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ').trimEnd());
console.log(`oneoffice batch under a rate limit: ${CALLS} createUser, --concurrency ${CONCURRENCY} --retry 10, against oneoffice mock --rate-limit ${LIMIT_PER_S} (ideal ${IDEAL_S} s); node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
console.log(format(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const cells of rows) console.log(format(cells));
console.log(`note: median of ${ROUNDS} runs each, alternating; whole processes (start-up included), each on a fresh mock; every line created exactly once (the mock's log: ${CALLS} createUser 200, nothing else but 429s)`);
// Every run, in the order run: whether the medians' difference is more than the spread of runs.
const each = (list) => list.map((run) => `${run.seconds.toFixed(1)} s (${run.tooMany})`).join(', ');
console.log(`note: each run, s (429s): ours ${each(runs.ours)}; before it ${each(runs.baseline) || 'n/a'}`);
if (runs.ours.length) console.log(`note: summary of our last run: ${runs.ours.at(-1).summary}`);
for (const note of notes) console.log(`note: ${note}`);

// Batch benchmark (issue 6), against `oneoffice mock` on loopback, all in one run:
//   (a) `oneoffice batch` sending 10,000 createUser calls, --concurrency 8;
//   (b) the shell way: `xargs -P 8` running one curl per call (fewer calls: it is slow);
//   (c) autocannon with 8 connections, each request a createUser with its own e-mail;
//   (d) peak RSS of `oneoffice batch --dry-run` over a 1,000,000-line NDJSON file;
//   (e) batch without --results, and batch and autocannon against a minimal node:http server (the
//       client's own limit: the mock is the limit of (a) and (c));
//   (f) the journal's cost per call: the CPU time (user + system) of batch with --results less that
//       of the same batch without, over the calls, in pairs of runs against the minimal server.
// Each run of (a), (b) and (c) gets a fresh mock, warmed up with 2,000 calls, so that none of
// them pays for a server grown large (or cold) by the others. Prints each figure with its target
// and PASS/FAIL. Exits 0 even when a target is missed (this reports); non-zero only when something
// breaks. Usage: node scripts/bench-batch.mjs (build dist/ first)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startMockProcess, stopProcess } from './bench-mock.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'oneoffice.cjs');
const node = process.execPath;
const BATCH_CALLS = 10_000;
const CURL_CALLS = 1_000;
const WARM_UP_CALLS = 2_000;
const RSS_LINES = 1_000_000;
const CONNECTIONS = 8;
/** Runs of (a) and of (c), alternating; the best of each counts (machine noise only slows). */
const ROUNDS = 3;

const home = mkdtempSync(join(tmpdir(), 'oneoffice-bench-batch-'));
const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
const token = randomBytes(12).toString('hex');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const notes = [];
let mock; // the running mock process, if any
let files = 0;

function fail(message) {
  process.stderr.write(`bench-batch: ${message}\n`);
  mock?.kill();
  rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  process.exit(1);
}

if (!existsSync(join(root, 'dist', 'cli', 'cli.cjs'))) fail('dist/cli/cli.cjs is missing: run `node scripts/build.mjs` first');

/** Starts the mock (scripts/bench-mock.mjs); resolves with its URL, or null. */
async function startMock() {
  const started = await startMockProcess({ node, bin, token, env: baseEnv });
  mock = started?.child;
  return started?.url ?? null;
}

/** Runs `measure(env)` against a fresh mock that has already answered WARM_UP_CALLS calls. */
async function onFreshMock(measure) {
  const url = await startMock();
  if (!url) fail('could not start `oneoffice mock`');
  const env = { ...baseEnv, ONEOFFICE_URL: url, ONEOFFICE_BEARER: token };
  await runBatch(env, WARM_UP_CALLS);
  const result = await measure(env);
  await stopProcess(mock);
  mock = undefined;
  return result;
}

const tag = `${process.pid}-${Date.now()}`;
let emails = 0;
const createUser = () => JSON.stringify({ method: 'createUser', params: { email: `bench-${tag}-${++emails}@example.com` } });

function writeLines(path, count, make) {
  const fd = openSync(path, 'w');
  for (let done = 0; done < count; ) {
    const lines = [];
    for (let i = 0; i < 10_000 && done < count; i++, done++) lines.push(make(done));
    writeSync(fd, `${lines.join('\n')}\n`);
  }
  closeSync(fd);
}

/** Runs a command to completion; resolves with its wall time in seconds and output; fails the bench on a bad exit. */
function timed(name, command, args, env) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    child.on('error', (error) => fail(`${name}: ${error.message}`));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) fail(`${name} exited with ${code}\n${stderr}`);
      resolve({ seconds, stdout, stderr });
    });
  });
}

// --- (a) oneoffice batch ----------------------------------------------------------------------
// For (f): the CPU time a batch process used, all its threads, as it exits (process.cpuUsage()).
const cpuFile = join(home, 'cpu');
const cpuPreload = join(home, 'cpu-preload.cjs');
writeFileSync(cpuPreload, `process.on('exit', () => { const used = process.cpuUsage(); require('node:fs').writeFileSync(${JSON.stringify(cpuFile)}, String(used.user + used.system)); });\n`);

async function runBatch(env, count, { journal = true, cpu = false } = {}) {
  const input = join(home, `batch-${++files}.ndjson`);
  writeLines(input, count, createUser);
  const results = join(home, `results-${files}.ndjson`);
  const args = [...(cpu ? ['--require', cpuPreload] : []), bin, 'batch', input, '--concurrency', String(CONNECTIONS), ...(journal ? ['--results', results] : [])];
  if (cpu) rmSync(cpuFile, { force: true });
  const { seconds, stdout, stderr } = await timed('oneoffice batch', node, args, env);
  const cpuUs = cpu ? Number(readFileSync(cpuFile, 'utf8')) : undefined;
  const ok = (journal ? readFileSync(results, 'utf8') : stdout).split('\n').filter((line) => line.includes('"ok":true')).length;
  if (ok !== count) fail(`oneoffice batch: ${ok} of ${count} calls succeeded\n${stderr}`);
  const summary = stderr.trim().split('\n')[0];
  // The rate batch reports is over its sending pass: from its first call (undici loaded) to the last answer.
  const sending = Number(/\((\d+)\/s\)/.exec(summary)?.[1]);
  if (!sending) fail(`oneoffice batch: no rate in its summary: ${summary}`);
  rmSync(input);
  if (journal) {
    rmSync(results);
    rmSync(`${results}.journal`);
  }
  return { calls: count, seconds, sending, summary, cpuUs };
}

// --- (e) a minimal node:http server: the client's own limit -----------------------------------
// One line answered to every request, nothing checked or stored: what batch and autocannon reach
// when the server costs next to nothing (the mock validates and stores every call).
const MINIMAL_SERVER = `
const s = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 }); res.end('{"ok":true}'); }); });
s.keepAliveTimeout = 5000;
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port + '/'));`;

async function onMinimalServer(measure) {
  const child = spawn(node, ['-e', MINIMAL_SERVER], { env: baseEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  mock = child;
  const url = await new Promise((resolve) => {
    let text = '';
    child.on('exit', () => resolve(null));
    child.stdout.on('data', (data) => {
      text += data;
      if (text.includes('\n')) resolve(text.trim());
    });
  });
  if (!url) fail('could not start the minimal node:http server');
  const result = await measure({ ...baseEnv, ONEOFFICE_URL: url, ONEOFFICE_BEARER: token });
  child.kill();
  mock = undefined;
  return result;
}

// --- (c) autocannon ---------------------------------------------------------------------------
// In a process of its own, like batch: both start cold (no JIT warm-up carried over). The same
// headers as oneoffice sends, so that the server has the same work to do.
let autocannonUrl;
try {
  autocannonUrl = pathToFileURL(createRequire(join(root, 'package.json')).resolve('autocannon')).href;
} catch {
  notes.push('autocannon not installed (npm install): no comparison with a load generator');
}
const AUTOCANNON_RUNNER = `
const { default: autocannon } = await import(process.env.AUTOCANNON);
const [url, token, count, connections, tag, userAgent] = process.argv.slice(1);
let n = 0;
const started = performance.now();
let last = started;
const instance = autocannon({
  url, connections: Number(connections), amount: Number(count),
  requests: [{ method: 'GET', headers: { 'x-api-key': token, 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': userAgent },
    setupRequest: (request) => ({ ...request, body: JSON.stringify({ method: 'createUser', params: { email: \`ac-\${tag}-\${++n}@example.com\` } }) }) }],
});
// Its own duration is rounded up to its one-second sampling ticks: time the answers instead.
instance.on('response', () => (last = performance.now()));
const result = await instance;
console.log(JSON.stringify({ total: result.requests.total, seconds: (last - started) / 1000, errors: result.errors, non2xx: result.non2xx }));
`;

async function runAutocannon(env, count) {
  const args = ['--input-type=module', '-e', AUTOCANNON_RUNNER, env.ONEOFFICE_URL, token, String(count), String(CONNECTIONS), `${tag}-${++files}`, `oneoffice/${version}`];
  const { seconds, stdout } = await timed('autocannon', node, args, { ...env, AUTOCANNON: autocannonUrl });
  const result = JSON.parse(stdout);
  if (result.errors || result.non2xx || result.total !== count) fail(`autocannon: ${result.total} requests, ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  return { calls: count, seconds, sending: count / result.seconds };
}

// --- (b) xargs -P 8 curl ----------------------------------------------------------------------
async function runCurl(env, count) {
  const bodies = join(home, 'curl-bodies.txt');
  writeLines(bodies, count, createUser);
  const curl = `curl -sS -o /dev/null -X GET ${env.ONEOFFICE_URL} -H 'x-api-key: ${token}' -H 'Content-Type: application/json' --data {}`;
  const { seconds } = await timed('xargs + curl', 'sh', ['-c', `xargs -P ${CONNECTIONS} -d '\\n' -I{} ${curl} < ${bodies}`], env);
  // A process per call: there is no start-up apart from the sending.
  return { calls: count, seconds, sending: count / seconds };
}

// --- (d) peak RSS of a 1,000,000-line dry run ---------------------------------------------------
async function runRss() {
  const input = join(home, 'million.ndjson');
  writeLines(input, RSS_LINES, (i) => JSON.stringify({ method: 'createUser', params: { email: `rss${i}@example.com`, displayName: `User ${i}` } }));
  const rssFile = join(home, 'rss');
  const args = [bin, 'batch', input, '--dry-run'];
  // A dry run sends nothing, but builds every call, so it needs a URL and token all the same.
  const env = { ...baseEnv, ONEOFFICE_URL: 'http://127.0.0.1:9/', ONEOFFICE_BEARER: token };
  if (existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, 'true']).status === 0) {
    notes.push('peak RSS: /usr/bin/time -f %M');
    await timed('oneoffice batch --dry-run', '/usr/bin/time', ['-f', '%M', '-o', rssFile, node, ...args], env);
  } else {
    const preload = join(home, 'rss-preload.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
    notes.push('peak RSS: /usr/bin/time not found (apt-get install time); process.resourceUsage().maxRSS via --require');
    await timed('oneoffice batch --dry-run', node, ['--require', preload, ...args], env);
  }
  const kb = Number.parseInt(readFileSync(rssFile, 'utf8').trim().split('\n').pop(), 10);
  rmSync(input, { force: true });
  return kb / 1024;
}

const batchRuns = [];
const cannonRuns = [];
const bareRuns = [];
const minimalBatchRuns = [];
const minimalCannonRuns = [];
for (let round = 0; round < ROUNDS; round++) {
  batchRuns.push(await onFreshMock((env) => runBatch(env, BATCH_CALLS)));
  if (autocannonUrl) cannonRuns.push(await onFreshMock((env) => runAutocannon(env, BATCH_CALLS)));
  // Without --results (no journal, records on stdout): what the journal costs per call.
  bareRuns.push(await onFreshMock((env) => runBatch(env, BATCH_CALLS, { journal: false })));
  minimalBatchRuns.push(await onMinimalServer((env) => runBatch(env, BATCH_CALLS)));
  if (autocannonUrl) minimalCannonRuns.push(await onMinimalServer((env) => runAutocannon(env, BATCH_CALLS)));
}
// (f): pairs of runs, with and without the journal, alternating which goes first, each pair on one
// minimal server. The server is not the limit there, and CPU time is what a loaded machine changes
// least (a wall-clock difference of two runs against the mock is noise: the mock is the limit).
const JOURNAL_PAIRS = 7;
const journalUsPerCall = [];
for (let pair = 0; pair < JOURNAL_PAIRS; pair++) {
  await onMinimalServer(async (env) => {
    const order = pair % 2 ? [false, true] : [true, false];
    const used = {};
    for (const journal of order) used[journal] = (await runBatch(env, BATCH_CALLS, { journal, cpu: true })).cpuUs;
    journalUsPerCall.push((used.true - used.false) / BATCH_CALLS);
  });
}
const hasCurl = spawnSync('curl', ['--version']).status === 0 && spawnSync('xargs', ['--version']).status === 0;
const curlRun = hasCurl ? await onFreshMock((env) => runCurl(env, CURL_CALLS)) : null;
const rssMb = await runRss();
rmSync(home, { recursive: true, force: true, maxRetries: 5 });

// --- report -----------------------------------------------------------------------------------
const wall = (run) => run.calls / run.seconds;
const best = (runs) => runs.reduce((a, b) => (b.sending > a.sending ? b : a));
const batchBest = best(batchRuns);
const cannonBest = cannonRuns.length ? best(cannonRuns) : null;
const row = (name, run) => [name, run.calls, run.seconds.toFixed(2), wall(run).toFixed(0), run.sending.toFixed(0), '', ''];
const rows = [
  row('oneoffice batch, --concurrency 8', batchBest),
  curlRun ? row('xargs -P 8, one curl per call', curlRun) : ['xargs -P 8, one curl per call', 'n/a (no curl or xargs)'],
  cannonBest ? row('autocannon, 8 connections', cannonBest) : ['autocannon, 8 connections', 'n/a (npm install)'],
];
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
if (curlRun) {
  const ratio = batchBest.sending / curlRun.sending;
  rows.push(['batch ÷ xargs+curl', '', '', `${(wall(batchBest) / wall(curlRun)).toFixed(1)}×`, `${ratio.toFixed(1)}×`, '≥ 20×', verdict(ratio >= 20)]);
}
if (cannonBest) {
  const share = batchBest.sending / cannonBest.sending;
  rows.push(['batch ÷ autocannon', '', '', `${((wall(batchBest) / wall(cannonBest)) * 100).toFixed(0)}%`, `${(share * 100).toFixed(0)}%`, '≥ 70%', verdict(share >= 0.7)]);
}
const bareBest = best(bareRuns);
rows.push(row('batch without --results (no journal)', bareBest));
const journalSorted = [...journalUsPerCall].sort((a, b) => a - b);
const journalUs = journalSorted[journalSorted.length >> 1];
rows.push(["the journal's CPU per call (--results)", '', '', '', `${journalUs.toFixed(1)} µs`, '', '']);
const minimalBatch = best(minimalBatchRuns);
rows.push(row('batch, minimal node:http server', minimalBatch));
if (minimalCannonRuns.length) {
  const minimalCannon = best(minimalCannonRuns);
  rows.push(row('autocannon, minimal node:http server', minimalCannon));
  rows.push(['batch ÷ autocannon, minimal server', '', '', `${((wall(minimalBatch) / wall(minimalCannon)) * 100).toFixed(0)}%`, `${((minimalBatch.sending / minimalCannon.sending) * 100).toFixed(0)}%`, '', '']);
}
rows.push([`peak RSS, batch --dry-run, ${RSS_LINES.toLocaleString('en')} lines`, '', '', '', `${rssMb.toFixed(1)} MB`, '< 150 MB', verdict(rssMb < 150)]);

const header = ['case', 'calls', 'wall s', 'wall calls/s', 'sending calls/s', 'target', 'result'];
const full = rows.filter((cells) => cells.length === header.length);
const widths = header.map((h, i) => Math.max(h.length, ...full.map((cells) => String(cells[i]).length)));
const format = (cells) =>
  cells.length < header.length ? cells.join('  ') : cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ').trimEnd();
console.log(`oneoffice batch benchmark against oneoffice mock on loopback; node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
console.log(format(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const cells of rows) console.log(format(cells));
console.log(`note: ${BATCH_CALLS} createUser calls per run of batch and autocannon (best of ${ROUNDS} each), ${CURL_CALLS} for curl; each call creates a new user;`);
console.log(`      each run against a fresh mock warmed up with ${WARM_UP_CALLS} calls, each tool in a fresh process`);
console.log('note: "sending" is the rate while calls are sent: batch\'s own figure (its second pass, from its first call to the last answer),');
console.log('      autocannon from its start to its last answer, curl the whole run (a process per call); the targets are judged on it.');
console.log('      "wall" is whole processes, start-up included (node, loading, and for batch checking all lines first).');
console.log(`note: batch summary of the best run: ${batchBest.summary}`);
console.log(`note: the journal's CPU per call: median of ${JOURNAL_PAIRS} pairs of ${BATCH_CALLS}-call batches against the minimal server, with --results and without,`);
console.log(`      alternating which runs first; CPU time (user + system, every thread) of the whole process with less without, over the calls`);
console.log(`      (pairs ranged ${journalSorted[0].toFixed(1)} to ${journalSorted.at(-1).toFixed(1)} µs); the journal writes each mark and result with write(), no fsync (see batch/journal.ts)`);
console.log('      (it replaces the difference of the best sending rates with and without --results against the mock, which the mock limits: noise of either sign)');
console.log('note: the minimal server answers {"ok":true} to every request, checking and storing nothing: there the figures show the client\'s own limit');
// What limits the client there (issue 21): a CPU profile (node --cpu-prof) of one 10,000-call batch
// with --results against the minimal server, on the 2-CPU machine the server shares. Not measured
// again on each run: a profile slows what it watches.
console.log('note: what limits batch against the minimal server: our process is busy about 84 % of the run (a CPU profile of one');
console.log('      10,000-call run): Node\'s streams, sockets and timers ~30 %, the write() of each request (undici writes its head and');
console.log('      body with one writev per call) ~18 %, our own work per line ~18 % (each line read and checked in pass 1, read again,');
console.log('      built, journalled and recorded in pass 2), undici ~13 %, garbage collection ~5 %; autocannon writes requests it has');
console.log('      built once and reads only the status, and the server takes the other CPU. Nothing cheap was found to cut.');
for (const note of notes) console.log(`note: ${note}`);

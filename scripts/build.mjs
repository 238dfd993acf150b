// Build: src/generated from schemas/*.json (scripts/generate.mjs), then esbuild: the library in
// dist/ (ES modules) and the CLI in dist/cli/ (CommonJS), whose heavy parts (undici, conf, ajv,
// commander) load only when used. With --if-changed (npm test), nothing is done when dist/ is a whole
// build of the inputs as they are now (scripts/build-inputs.mjs).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { manPage } from './man.mjs';
import { generateValidators } from './generate.mjs';
import { buildInputs, clearStamp, manDate, staleReason, writeStamp } from './build-inputs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'src', 'generated');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Read before building: an input edited while the build runs makes the next check rebuild.
const inputs = buildInputs();
if (process.argv.includes('--if-changed') && staleReason(inputs) === undefined) {
  if (!process.argv.includes('--quiet')) process.stderr.write('dist/ is up to date\n');
  process.exit(0);
}
clearStamp();

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  define: { __ONEOFFICE_VERSION__: JSON.stringify(pkg.version), __ONEOFFICE_HELP__: 'null', __ONEOFFICE_WIDE_HELP__: 'null', __ONEOFFICE_METHODS__: 'null' },
  legalComments: 'none',
  logLevel: 'warning',
  // A native addon: it finds its prebuilt binary next to its own files, so it is loaded from node_modules.
  external: ['fs-native-extensions'],
};

// The library: ES modules, for `import { ... } from 'oneoffice'`.
async function bundleLibrary() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  await build({
    ...shared,
    entryPoints: { index: join(root, 'src', 'index.ts') },
    outdir: join(root, 'dist'),
    splitting: true,
    format: 'esm',
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [undiciAccepts100Continue()],
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}

// The CLI: CommonJS, which Node starts faster than ES modules, as a small core plus one bundle per
// part it loads only when needed (what `await import(...)` names in src/). Each lazy part is
// required, not imported: import() of CommonJS makes Node scan the whole file for its exports.
const CLI_DIR = join(root, 'dist', 'cli');

/**
 * The command registry (src/cli/registry.ts) as the build sees it: the names of the commands and
 * the files its `() => import(...)`s load, each of which becomes a lazy part named after its file.
 */
async function commandRegistry() {
  const lazy = new Set();
  const result = await build({
    entryPoints: [join(root, 'src', 'cli', 'registry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
    plugins: [{
      name: 'registry-lazy-imports',
      setup(builder) {
        builder.onResolve({ filter: /.*/ }, (args) => {
          if (args.kind !== 'dynamic-import') return undefined;
          // Node's own modules are Node's to load (the test command loads node:http before its flags).
          if (args.path.startsWith('node:')) return { path: args.path, external: true };
          lazy.add(relative(root, resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))).split('\\').join('/'));
          return { path: args.path, external: true };
        });
      },
    }],
  });
  const { COMMANDS } = await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
  if (lazy.size === 0 || !Array.isArray(COMMANDS)) throw new Error('src/cli/registry.ts: no commands or no lazy imports found');
  return { names: COMMANDS.map((command) => command.name), lazyFiles: [...lazy] };
}
const registry = await commandRegistry();

// Keyed by the source file (or package) a dynamic import() resolves to, whatever the importer:
// the registry's command code, then the parts the commands load on use.
const LAZY_PARTS = {
  ...Object.fromEntries(registry.lazyFiles.map((file) => [file, basename(file, '.ts')])),
  'src/cli/commands/call.ts': 'call',
  'src/cli/tab.ts': 'tab',
  'src/cli/commands/curl.ts': 'curl',
  'src/cli/perform.ts': 'perform',
  'src/http/undici-transport.ts': 'transport',
  // A direct call's two ways out: its own socket read by Node's parser, or node:http's client (loaded
  // only where Node hands out no parser, and by the commands that keep connections alive).
  'src/http/socket-call.ts': 'socket-call',
  'src/http/node-transport.ts': 'node-transport',
  'src/cli/commands/mock-backend.ts': 'mock-backend',
  'src/api/query.ts': 'query',
  'src/mock/server.ts': 'mock-server',
  'src/config/store.ts': 'store',
  'src/api/schema/ajv-compile.ts': 'ajv-compile',
  'src/output/write-out.ts': 'write-out',
  'src/output/verbose.ts': 'verbose',
  'src/api/json-check.ts': 'json-check',
  'src/generated/scenario-schema.ts': 'scenario-schema',
  'node_modules/chalk/source/index.js': 'chalk',
  'node_modules/read/dist/esm/read.js': 'read',
  'node_modules/picomatch/index.js': 'picomatch',
  'node_modules/@jmespath-community/jmespath/dist/index.mjs': 'jmespath',
};
// Parts a bundle carries inside it, for it uses them on its every run: a single call sends on a
// socket of its own; `test` and the mock's backend on node:http's keep-alive Agent (or kept
// connections behind it).
const INLINE_PARTS = { perform: ['socket-call'], test: ['node-transport'], 'mock-backend': ['node-transport'] };
const PACKAGE_PARTS = { chalk: 'node_modules/chalk/source/index.js', read: 'node_modules/read/dist/esm/read.js', picomatch: 'node_modules/picomatch/index.js', '@jmespath-community/jmespath': 'node_modules/@jmespath-community/jmespath/dist/index.mjs' };

function lazyParts(self, inline = []) {
  return {
    name: 'lazy-parts',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const validator = /\/validators\/(\w+)\.js$/.exec(args.path);
        if (validator) return { path: `./validators/${validator[1]}.cjs`, external: true };
        const file = PACKAGE_PARTS[args.path] ?? relative(root, resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
        const part = LAZY_PARTS[file];
        return part && part !== self && !inline.includes(part) ? { path: `./${part}.cjs`, external: true } : undefined;
      });
    },
  };
}

// undici's HTTP/2 client loads node:http2 and node:tls (~5 ms) when undici starts, though oneoffice
// never enables allowH2; the CLI bundles get a stand-in (the library keeps undici whole).
function withoutHttp2() {
  return {
    name: 'undici-without-http2',
    setup(builder) {
      builder.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
        args.importer.includes(join('node_modules', 'undici', 'lib')) ? { path: join(root, 'scripts', 'undici-client-h2.cjs') } : undefined,
      );
    },
  };
}

// RFC 9110 (15.2): a client must accept 1xx answers before the final one, even unasked. undici
// reads 102 and 103 that way but drops the connection on a 100 Continue, so a call the server has
// taken would be recorded as a reset (issue 13). Patched where it is bundled, until undici does it.
const UNDICI_100_CHECK = `    if (statusCode === 100) {
      util.destroy(socket, new SocketError('bad response', util.getSocketInfo(socket)))
      return -1
    }
`;
function undiciAccepts100Continue() {
  return {
    name: 'undici-accepts-100-continue',
    setup(builder) {
      builder.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h1\.js$/ }, (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (!code.includes(UNDICI_100_CHECK)) throw new Error(`${args.path}: the 100 Continue check to patch is gone; see undiciAccepts100Continue in scripts/build.mjs`);
        return { contents: code.replace(UNDICI_100_CHECK, ''), loader: 'js' };
      });
    },
  };
}

/** `prerendered`: what the core prints as it is for the built-in methods (`--help`, `methods`); none on the first build. */
async function bundleCli(prerendered) {
  const cli = { ...shared, format: 'cjs', outExtension: { '.js': '.cjs' }, outdir: CLI_DIR };
  const define = { ...shared.define, __ONEOFFICE_HELP__: JSON.stringify(prerendered?.help ?? null), __ONEOFFICE_WIDE_HELP__: JSON.stringify(prerendered?.wideHelp ?? null), __ONEOFFICE_METHODS__: JSON.stringify(prerendered?.methods ?? null) };
  const builds = [
    build({ ...cli, entryPoints: { cli: join(root, 'src', 'cli', 'main.ts') }, plugins: [lazyParts('cli')], define }),
    // The core with the call command in it, for a method's command line (`oneoffice createUser ...`,
    // src/cli/boot.ts): one bundle to read and compile instead of two that each carry the option
    // table, the errors and the registry. The same main(), so it answers any command line alike;
    // without the prerendered --help and `methods` (their command lines never load it).
    build({ ...cli, entryPoints: { [CALL_CORE]: join(root, 'src', 'cli', 'main.ts') }, plugins: [lazyParts(CALL_CORE, ['call'])], define: shared.define }),
  ];
  if (prerendered === undefined) {
    for (const [file, name] of Object.entries(LAZY_PARTS)) builds.push(build({ ...cli, entryPoints: { [name]: join(root, file) }, plugins: [lazyParts(name, INLINE_PARTS[name]), withoutHttp2(), undiciAccepts100Continue()] }));
    const validators = readdirSync(join(generated, 'validators')).filter((file) => file.endsWith('.js'));
    builds.push(build({ ...cli, entryPoints: validators.map((file) => join(generated, 'validators', file)), outdir: join(CLI_DIR, 'validators') }));
    // What bin/oneoffice.cjs requires: it loads the other bundles through V8's code cache.
    // The command words go in, so that it loads the core for a method's command line without reading the registry.
    builds.push(build({ ...cli, entryPoints: { [BOOT]: join(root, 'src', 'cli', 'boot.ts') }, define: { ...shared.define, __ONEOFFICE_COMMANDS__: JSON.stringify(registry.names) } }));
  }
  await Promise.all(builds);
  for (const file of readdirSync(CLI_DIR).filter((name) => name.endsWith('.cjs'))) {
    const path = join(CLI_DIR, file);
    // Node's own modules too: src/cli/boot.ts compiles the bundles with vm.Script, which on Node 20
    // has no stable loader for import() (and none at all for code read from V8's code cache).
    const code = readFileSync(path, 'utf8').replace(/\bimport\(("(?:\.\/[\w/-]+\.cjs|node:[\w/]+)")\)/g, 'Promise.resolve().then(() => require($1))');
    if (/\bimport\("/.test(code)) throw new Error(`${file}: a lazy part or Node module is still loaded with import()`);
    writeFileSync(path, code);
  }
  for (const dir of [CLI_DIR, join(CLI_DIR, 'validators')]) {
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.cjs'))) markWithHash(join(dir, file));
  }
}

const BOOT = 'boot';
const CALL_CORE = 'cli-call';
const BUNDLE_HASH_LINE = /^\/\/ oneoffice-bundle [0-9a-f]{16}\n/;

// Each bundle starts with the hash of its text: src/cli/boot.ts keys its code cache by it, so a
// cache compiled from another build is never used (V8 itself compares only the text's length).
function markWithHash(path) {
  const code = readFileSync(path, 'utf8').replace(BUNDLE_HASH_LINE, '');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  writeFileSync(path, `// oneoffice-bundle ${hash}\n${code}`);
}

// Declarations for library users (esbuild does not write them).
function declarations() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('tsc could not write the declarations');
}

// `oneoffice --help` as commander renders it for the built-in methods, so the CLI can print it
// without loading commander, and `oneoffice methods`, without loading its part (a second, quick
// build of the core embeds them).
function renderHelp(args = ['--help'], env = {}) {
  const home = mkdtempSync(join(tmpdir(), 'oneoffice-build-'));
  try {
    const result = spawnSync(process.execPath, [join(root, 'bin', 'oneoffice.cjs'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'config'), ...env },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`could not render the help text: ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// oneoffice(1), rendered from the specs the help is made of (scripts/man-data.ts, bundled here so
// it reads the registry, option tables and schemas as the CLI does; listed in package.json "man").
async function writeManPage() {
  const bundled = join(root, 'dist', '.man-data.mjs');
  await build({ ...shared, entryPoints: [join(root, 'scripts', 'man-data.ts')], outfile: bundled, format: 'esm', banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" } });
  try {
    const { manData } = await import(`${pathToFileURL(bundled).href}?${Date.now()}`);
    mkdirSync(join(root, 'dist', 'man'), { recursive: true });
    writeFileSync(join(root, 'dist', 'man', 'oneoffice.1'), manPage(pkg.version, manDate(), manData()));
  } finally {
    rmSync(bundled, { force: true });
  }
}

const methods = generateValidators();
await bundleLibrary();
await bundleCli();
// --help at 80 columns (a pipe's width, printed as it is) and unwrapped (wrapped to any other width).
await bundleCli({ help: renderHelp(), wideHelp: renderHelp(['--help'], { COLUMNS: '100000' }), methods: renderHelp(['methods']) });
await writeManPage();
declarations();
// The JSON Schema of scenario files as a file of the package, for editors' `$schema=` lines.
writeFileSync(join(root, 'dist', 'scenario.schema.json'), readFileSync(join(generated, 'scenario.schema.json')));
writeStamp(inputs);
if (!process.argv.includes('--quiet')) process.stderr.write(`built dist/ (${methods.length} method schemas)\n`);

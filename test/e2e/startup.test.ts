// What start-up loads: commands that do not call the API must not load undici, conf or ajv (the
// speed issue's design rule); timing itself is measured by `npm run bench`, never here.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, ROOT } from '../helpers/cli.js';
import { startRecordingServer } from '../helpers/server.js';
import { spawnAsync } from '../helpers/spawn-async.js';
import { coreFor } from '../../src/cli/boot.js';
import { COMMAND_NAMES } from '../../src/cli/registry.js';
import { tempDir } from '../helpers/temp.js';

const TRACER = fileURLToPath(new URL('../helpers/trace-loads.cjs', import.meta.url));
const HEAVY = ['undici', 'conf', 'ajv', 'commander', 'chalk'];

/** What a command loaded: its bundles' files and Node's built-in modules. */
function loads(args: string[], env: Record<string, string> = {}, stdout: 'pipe' | 'ignore' = 'pipe'): string[] {
  const file = join(tempDir('trace'), 'loads.txt');
  // stdout 'ignore' is /dev/null.
  const result = spawnSync(process.execPath, ['--require', TRACER, BIN, ...args], { env: { ...isolatedEnv(env), TRACE_LOADS_FILE: file }, encoding: 'utf8', stdio: ['pipe', stdout, 'pipe'] });
  expect(result.error).toBeUndefined();
  return readFileSync(file, 'utf8').split('\n');
}

/** The third-party packages whose code sits in the bundles a command loaded. */
function packagesLoaded(args: string[], env: Record<string, string> = {}, names: readonly string[] = HEAVY): Set<string> {
  const bundles = loads(args, env).filter((path) => path.includes('/dist/cli/'));
  expect(bundles.length).toBeGreaterThan(0);
  const found = new Set<string>();
  for (const bundle of bundles) {
    const text = readFileSync(bundle, 'utf8');
    for (const name of names) if (text.includes(`node_modules/${name}/`)) found.add(name);
  }
  return found;
}

function builtinsLoaded(args: string[], stdout: 'pipe' | 'ignore' = 'pipe'): string[] {
  return loads(args, {}, stdout).filter((entry) => entry.startsWith('builtin:')).map((entry) => entry.slice('builtin:'.length));
}

/** The functions of each script V8 compiled from source in a run logged with --log-function-events ("node:events once"). */
function compiledFunctions(log: string): string[] {
  const scripts = new Map<string, string>();
  const compiled: string[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const fields = line.split(',');
    if (fields[0] === 'script-details') scripts.set(fields[1] as string, fields[2] as string);
    if (fields[0] === 'function' && fields[1] === 'parse-function') compiled.push(`${scripts.get(fields[2] as string)} ${fields[7]}`);
  }
  return compiled;
}

const REAL_CALL = ['createUser', '--email', 'a@b.co', '--url', 'http://127.0.0.1:9/', '--bearer', 'x'];

describe('start-up loads only what the command needs', () => {
  it('the loader knows every command word of the registry (the build puts them in): only a first word that is none gets the core with the call command in it', () => {
    const firstBundle = (args: string[]) => loads(args).find((path) => path.includes('/dist/cli/') && !path.endsWith('/boot.cjs'));
    for (const name of COMMAND_NAMES) {
      expect(coreFor(name, COMMAND_NAMES)).toBe('cli.cjs');
      expect(firstBundle([name, '--help'])).toBe(join(ROOT, 'dist', 'cli', 'cli.cjs'));
    }
    expect(coreFor('createUser', COMMAND_NAMES)).toBe('cli-call.cjs');
    expect(coreFor('creatUser', COMMAND_NAMES)).toBe('cli-call.cjs');
    // An option first, no word, or the end of options: the core, which loads the call command when needed.
    for (const word of ['--profile', '-V', '--', '', undefined]) expect(coreFor(word, COMMAND_NAMES)).toBe('cli.cjs');
  });

  it.each([
    [['--help']],
    [['methods']],
    [['createUser', '--help']],
    [['createUser', '--email', 'not-an-email']],
    [['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x']],
  ])('%j loads none of undici, conf, ajv, commander, chalk', (args) => {
    expect([...packagesLoaded(args)]).toEqual([]);
  });

  it.each([
    [['--help']],
    [['methods']],
    [['createUser', '--email', 'not-an-email']],
    [['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x']],
  ])('%j writes to its pipes without loading node:stream or node:net', (args) => {
    expect(builtinsLoaded(args).filter((name) => ['stream', 'net', 'tty'].includes(name))).toEqual([]);
  });

  it.each([
    [['--help']],
    [['methods']],
    [['__complete', 'createFirstOrder', '--product', '']],
    [['createUser', '--email', 'not-an-email']],
    [['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x']],
  ])('%j loads no module of Node that `node -e 0` does not, but node:vm (for the code cache)', (args) => {
    const file = join(tempDir('trace'), 'loads.txt');
    spawnSync(process.execPath, ['--require', TRACER, '-e', '0'], { env: { ...isolatedEnv(), TRACE_LOADS_FILE: file } });
    const node = new Set(readFileSync(file, 'utf8').split('\n'));
    expect(builtinsLoaded(args).filter((name) => !node.has(`builtin:${name}`))).toEqual(['vm']);
  });

  it('nor with stdout sent to /dev/null', () => {
    const args = ['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x'];
    expect(builtinsLoaded(args, 'ignore').filter((name) => ['stream', 'net', 'tty'].includes(name))).toEqual([]);
  });

  it('stdout and stderr are told apart on their first write: a TAB with stderr on /dev/null, as the shells’ scripts send it, looks at neither it nor /dev/null', () => {
    const file = join(tempDir('trace-stats'), 'stats.txt');
    const run = spawnSync(process.execPath, ['--require', fileURLToPath(new URL('../helpers/trace-stats.cjs', import.meta.url)), BIN, '__complete', 'createFirstOrder', '--product', ''], {
      env: { ...isolatedEnv(), TRACE_STATS_FILE: file },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('oo-lite');
    const stats = readFileSync(file, 'utf8').split('\n');
    expect(stats).toContain('fstat 1');
    expect(stats.filter((entry) => entry === 'fstat 2' || entry === 'stat /dev/null')).toEqual([]);
  });

  it.each([
    [REAL_CALL],
    [[...REAL_CALL, '-v']],
    [[...REAL_CALL, '-w', '%{local_port}\\n']],
  ])("%j goes out on a socket read by Node's own parser: none of the packages, none of node:http's client, and no TLS or HTTP/2 for http://", (args) => {
    expect([...packagesLoaded(args)]).toEqual([]);
    const builtins = builtinsLoaded(args);
    expect(builtins).toContain('_http_common');
    expect(builtins.filter((name) => ['http', '_http_client', '_http_agent', '_http_outgoing', 'tls', 'https', 'http2', 'v8'].includes(name))).toEqual([]);
  });

  it("a real call takes Node's HTTP parser from process.getBuiltinModule too: it asks require() for nothing at all", () => {
    const file = join(tempDir('trace'), 'requires.txt');
    spawnSync(process.execPath, ['--require', fileURLToPath(new URL('../helpers/trace-requires.cjs', import.meta.url)), BIN, ...REAL_CALL], { env: { ...isolatedEnv(), TRACE_REQUIRES_FILE: file }, encoding: 'utf8' });
    expect(readFileSync(file, 'utf8').split('\n').filter((request) => request !== '')).toEqual([]);
  });

  it('the bundle that sends a call carries no help text: the exit-code table for help is made by help alone', () => {
    const loaded = loads(REAL_CALL).filter((path) => path.endsWith('/dist/cli/perform.cjs'));
    expect(loaded).toHaveLength(1);
    expect(readFileSync(loaded[0] as string, 'utf8')).not.toContain('Exit codes:');
  });

  it('a call loads the -v printer, the -w renderer and the check of bodies too large to keep only when it needs them', () => {
    const parts = (args: string[]) => loads(args).filter((path) => path.includes('/dist/cli/')).map((path) => path.slice(path.lastIndexOf('/') + 1));
    const plain = parts(REAL_CALL);
    expect(plain).toContain('perform.cjs');
    expect(plain.filter((name) => ['verbose.cjs', 'write-out.cjs', 'json-check.cjs'].includes(name))).toEqual([]);
    expect(parts([...REAL_CALL, '-w', '%{http_code}\\n'])).toContain('write-out.cjs');
    expect(parts([...REAL_CALL, '-v'])).toContain('verbose.cjs');
  });

  it('a call through a proxy loads undici, but not its HTTP/2 client (node:http2, node:tls)', () => {
    const proxied = [...REAL_CALL, '--proxy', 'http://127.0.0.1:9'];
    expect([...packagesLoaded(proxied)]).toEqual(['undici']);
    expect(builtinsLoaded(proxied).filter((name) => ['tls', 'http2'].includes(name))).toEqual([]);
  });

  it('`oneoffice test` loads neither undici nor ajv (answers are checked by validators built ahead), nor JMESPath for plain paths, and picomatch only for --glob', () => {
    const dir = tempDir('trace-scenario');
    const file = join(dir, 'one.yml');
    writeFileSync(file, 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n    expect: { body: { email: a@example.com } }\n');
    const env = { ONEOFFICE_URL: 'http://127.0.0.1:9/', ONEOFFICE_BEARER: 'x' };
    const scenarioOnly = ['undici', 'ajv', 'picomatch', '@jmespath-community'];
    const plain = packagesLoaded(['test', file], env, scenarioOnly);
    expect([...plain]).toEqual([]);
    expect([...packagesLoaded(['test', '--glob', `${dir}/*.yml`], env, scenarioOnly)]).toEqual(['picomatch']);
    // Nor Node's crypto (the run id needs no secret randomness) or perf_hooks (durations come from process.hrtime).
    const builtins = loads(['test', file], env).filter((entry) => entry.startsWith('builtin:')).map((entry) => entry.slice('builtin:'.length));
    expect(builtins).toContain('http');
    expect(builtins.filter((name) => ['crypto', 'perf_hooks', 'tls', 'https'].includes(name))).toEqual([]);
  });

  // Each command's path through the bundles, exactly: a shared module that grows one of them (or a
  // static import that should be lazy) shows here first. `npm run bench` prints their bytes.
  it.each([
    [['--help'], ['cli.cjs']],
    // The list of the built-in methods is rendered at the build; --json and user schemas load its part.
    [['methods'], ['cli.cjs']],
    [['methods', '--json'], ['cli.cjs', 'methods.cjs']],
    // A shell's TAB goes from the loader straight to its own bundle, without the completion scripts.
    [['__complete', 'createFirstOrder', '--product', ''], ['tab.cjs']],
    [['completion', 'bash'], ['cli.cjs', 'completion.cjs']],
    // A method's command line: one bundle, the core with the call command in it (src/cli/boot.ts).
    [['createUser', '--help'], ['cli-call.cjs']],
    [['createUser', '--email', 'not-an-email'], ['cli-call.cjs', 'validators/createUser.cjs']],
    [['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x'], ['cli-call.cjs', 'validators/createUser.cjs']],
    [REAL_CALL, ['cli-call.cjs', 'validators/createUser.cjs', 'perform.cjs']],
    [['createUser', '--email', 'a@b.co', '--curl', '--url', 'http://127.0.0.1:9/', '--bearer', 'x'], ['cli-call.cjs', 'validators/createUser.cjs', 'curl.cjs']],
    // Any other word too (its error is main()'s in either core); options before the method, the core and call.cjs.
    [['creatUser', '--email', 'a@b.co'], ['cli-call.cjs']],
    [['--no-color', 'createUser', '--email', 'not-an-email'], ['cli.cjs', 'call.cjs', 'validators/createUser.cjs']],
    [['batch', '--help'], ['cli.cjs', 'batch.cjs']],
    [['test', '--help'], ['cli.cjs', 'test.cjs']],
    [['mock', '--help'], ['cli.cjs', 'mock.cjs']],
    [['call', '--help'], ['cli.cjs', 'call.cjs']],
    [['doctor', '--help'], ['cli.cjs', 'doctor.cjs']],
    // Commands whose help or parsing is commander's (cli/program.ts).
    [['config', 'path'], ['cli.cjs', 'program.cjs']],
    [['help', 'methods'], ['cli.cjs', 'program.cjs']],
  ])('%j loads exactly the bundles %j (after the loader, boot.cjs)', (args, bundles) => {
    const loaded = loads(args).filter((path) => path.includes('/dist/cli/')).map((path) => path.slice(path.indexOf('/dist/cli/') + '/dist/cli/'.length));
    expect(loaded).toEqual(['boot.cjs', ...bundles]);
  });

  it.each([
    [['--help']],
    [['methods']],
    [['__complete', 'createFirstOrder', '--product', '']],
    [['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x']],
  ])('%j resolves no module path (require() of the loader would read package.json for its "exports")', (args) => {
    const file = join(tempDir('trace'), 'resolves.txt');
    const result = spawnSync(process.execPath, ['--require', fileURLToPath(new URL('../helpers/trace-resolves.cjs', import.meta.url)), BIN, ...args], { env: { ...isolatedEnv(), TRACE_RESOLVES_FILE: file }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    // The main module's own path is resolved as for any script Node runs.
    expect(readFileSync(file, 'utf8').split('\n').filter((request) => request !== '' && request !== BIN)).toEqual([]);
  });

  it.each([
    [['--help']],
    [['__complete', 'createFirstOrder', '--product', '']],
    [['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x']],
    [['createUser', '--email', 'not-an-email']],
    [REAL_CALL],
  ])('%j takes Node\'s own modules from process.getBuiltinModule, never through require()', (args) => {
    const file = join(tempDir('trace'), 'requires.txt');
    spawnSync(process.execPath, ['--require', fileURLToPath(new URL('../helpers/trace-requires.cjs', import.meta.url)), BIN, ...args], { env: { ...isolatedEnv(), TRACE_REQUIRES_FILE: file }, encoding: 'utf8' });
    expect(readFileSync(file, 'utf8').split('\n').filter((request) => request.startsWith('node:'))).toEqual([]);
  });

  // Node compiles each of its own functions that its start-up did not run from source on the first
  // call, on every start: the path of a plain command keeps clear of those with a cheap stand-in.
  it.each([
    [['--help']],
    [['__complete', 'createFirstOrder', '--product', '']],
    [['createUser', '--email', 'a@b.co', '--dry-run', '--url', 'http://127.0.0.1:9/', '--bearer', 'x']],
    [['createUser', '--email', 'not-an-email']],
  ])('%j compiles none of the functions of Node that once(), path.relative(), Buffer\'s toString, fs.readSync or a package.json lookup would', (args) => {
    const dir = tempDir('compiled');
    const log = join(dir, 'v8.log');
    const env = isolatedEnv();
    const run = () => spawnSync(process.execPath, ['--log-function-events', `--logfile=${log}`, '--no-logfile-per-isolate', BIN, ...args], { env, encoding: 'utf8' });
    // The first run writes the code cache (under these flags) that the second reads.
    run();
    run();
    const compiled = compiledFunctions(log);
    expect(compiled.length).toBeGreaterThan(0);
    const avoidable = ['node:events once', 'node:events removeListener', 'node:path relative', 'node:buffer toString', 'node:buffer getEncodingOps', 'node:internal/modules/package_json_reader read', 'node:fs readSync'];
    expect(compiled.filter((name) => avoidable.includes(name))).toEqual([]);
  });

  it('a call answered in full leaves its connection to the exit: Node neither shuts it down nor makes its stderr stream for closing it, and reads its body as text without Buffer.concat or toString', async () => {
    const server = await startRecordingServer();
    try {
      const dir = tempDir('compiled');
      const log = join(dir, 'v8.log');
      const env = isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: 'x' });
      // stderr is a pipe, as in scripts and the bench: Node's stream for it would be a socket of its own.
      const run = () => spawnAsync(process.execPath, ['--log-function-events', `--logfile=${log}`, '--no-logfile-per-isolate', BIN, 'createUser', '--email', 'a@b.co'], { env });
      // The first run writes the code cache (under these flags) that the second reads.
      await run();
      const result = await run();
      expect(result).toEqual({ status: 0, stdout: '{"ok":true}', stderr: '' });
      expect(server.received).toHaveLength(2);
      const compiled = compiledFunctions(log);
      // The call's own socket, without node:http's client.
      expect(compiled.filter((name) => name.startsWith('node:_http_client '))).toEqual([]);
      // Nor its body's stream: read to its end, it is done, not destroyed.
      const closing = ['node:internal/bootstrap/switches/is_main_thread getStderr', 'node:net Socket.destroySoon', 'node:net Socket._final', 'node:net Socket._destroy', 'node:internal/streams/destroy destroy'];
      expect(compiled.filter((name) => closing.includes(name))).toEqual([]);
      // Its body, one chunk, read as text without Buffer.concat's copy or toString's look-up of the encoding.
      const bufferFunctions = ['node:buffer concat', 'node:buffer toString', 'node:buffer getEncodingOps'];
      expect(compiled.filter((name) => bufferFunctions.includes(name))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('the pre-rendered list of methods is what the methods command prints', () => {
    const fast = spawnSync(process.execPath, [BIN, 'methods'], { env: isolatedEnv(), encoding: 'utf8' });
    const emptySchemas = tempDir('empty');
    const slow = spawnSync(process.execPath, [BIN, 'methods'], { env: isolatedEnv({ ONEOFFICE_SCHEMAS: emptySchemas }), encoding: 'utf8' });
    expect(slow.status).toBe(0);
    expect(fast.stdout).toBe(slow.stdout);
    expect(fast.stdout).toMatch(/^createCustomer {2}/);
    // Each method of schemas/ as it is now, none more (a stale dist/ is refused by the tests' setup too).
    const schemas = readdirSync(join(ROOT, 'schemas')).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).sort();
    expect(fast.stdout.trimEnd().split('\n').map((line) => line.split(' ')[0])).toEqual(schemas);
  });

  it('the pre-rendered --help is what commander prints', () => {
    const fast = spawnSync(process.execPath, [BIN, '--help'], { env: isolatedEnv(), encoding: 'utf8' });
    const emptySchemas = tempDir('empty');
    const slow = spawnSync(process.execPath, [BIN, '--help'], { env: isolatedEnv({ ONEOFFICE_SCHEMAS: emptySchemas }), encoding: 'utf8' });
    expect(slow.status).toBe(0);
    expect(fast.stdout).toBe(slow.stdout);
  });
});

describe('on a Node too old for it', () => {
  it.each(['20.18.0', '20.16.0', '19.9.0'])('on Node %s, with process.getBuiltinModule but older than package.json asks, says so in one line: exit 3, nothing sent', (version) => {
    const preload = join(tempDir('old-node'), 'old-node.cjs');
    writeFileSync(preload, `for (const [object, name, value] of [[process.versions, 'node', '${version}'], [process, 'version', 'v${version}']]) Object.defineProperty(object, name, { value, enumerable: true });\n`);
    const result = spawnSync(process.execPath, ['--require', preload, BIN, 'createUser', '--email', 'a@b.co', '--url', 'http://127.0.0.1:9/', '--token', 'old-node-token'], { env: isolatedEnv(), encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 3,
      stdout: '',
      stderr: `oneoffice: needs Node.js 20.18.1 or later; this is Node.js v${version}\n`,
    });
  });

  it.each(['20.18.1', '20.19.0', '22.0.0', '24.11.1'])('on Node %s it starts', (version) => {
    const preload = join(tempDir('new-node'), 'new-node.cjs');
    writeFileSync(preload, `Object.defineProperty(process.versions, 'node', { value: '${version}', enumerable: true });\n`);
    const result = spawnSync(process.execPath, ['--require', preload, BIN, '--version'], { env: isolatedEnv(), encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('without process.getBuiltinModule (Node before 20.16), says in one line which Node it needs: exit 3, no stack trace, nothing run', () => {
    const preload = join(tempDir('old-node'), 'old-node.cjs');
    writeFileSync(preload, 'delete process.getBuiltinModule;\n');
    const result = spawnSync(process.execPath, ['--require', preload, BIN, 'createUser', '--email', 'a@b.co', '--url', 'http://127.0.0.1:9/', '--token', 'old-node-token'], { env: isolatedEnv(), encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 3,
      stdout: '',
      stderr: `oneoffice: needs Node.js 20.18.1 or later; this is Node.js ${process.version}\n`,
    });
  });
});

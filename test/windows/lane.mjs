// The Windows lane (npm run test:windows): end-to-end behaviours run as Windows programs. This file
// runs in Windows' own Node under Wine (scripts/test-windows.mjs starts it; a Wine process cannot
// write to a Linux pipe, but its children's pipes work), and the tool under test is spawned from
// here: the npm-installed form (Windows' node.exe + bin\oneoffice.cjs) and the single executable.
// Plain JavaScript and node:test: it runs where there is no TypeScript and no vitest.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = process.env.ONEOFFICE_LANE_ROOT;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
/** Each form of the tool: the command and the arguments before oneoffice's own. */
const TOOLS = JSON.parse(process.env.ONEOFFICE_LANE_TOOLS);
const CURL_DIR = process.env.ONEOFFICE_LANE_CURL_DIR;
const TOKEN = 'lane-token';
const WINDOWS = process.platform === 'win32';
/** Behaviours of Windows alone (%APPDATA%, cmd.exe) are skipped when the lane runs the Linux executable. */
const windowsOnly = { skip: !WINDOWS && 'Windows only' };
/** File modes and FIFOs: Linux's executable only. */
const posixOnly = { skip: WINDOWS && 'no file modes or FIFOs on Windows' };
/** What only the Linux executable shows (its file in Linux's page cache): not the Windows forms. */
const linuxExecutableOnly = (tool) => ({ skip: (WINDOWS || tool.args.length > 0) && 'the Linux executable only' });
/** The uid of `nobody`, another user than the one running the lane. */
const nobodyUid = () => Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
/** The lock library's folder in the temporary directory (HOME unset): the Linux executable only. */
const tmpLibraryOnly = (tool) => ({ skip: (WINDOWS || !tool.name.startsWith('single executable')) && 'the Linux executable only (Windows has no uid or file modes)' });
const BOM = '\uFEFF';
const utf16 = (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const UTF16_ADVICE = 'is UTF-16 text (what Windows PowerShell writes with > or Out-File): save it as UTF-8, e.g. with Set-Content -Encoding utf8';

/** A fresh profile folder per call: HOME, USERPROFILE, APPDATA and LOCALAPPDATA in it, no ONEOFFICE_*. */
function isolatedEnv(extra = {}) {
  const home = mkdtempSync(join(tmpdir(), 'oo-home-'));
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ONEOFFICE_') && !/^XDG_/.test(key)) env[key] = value;
  Object.assign(env, { HOME: home, USERPROFILE: home, APPDATA: join(home, 'AppData', 'Roaming'), LOCALAPPDATA: join(home, 'AppData', 'Local') }, extra);
  return env;
}

function start(tool, args, { env = isolatedEnv(), cwd = ROOT, input } = {}) {
  const child = spawn(tool.command, [...tool.args, ...args], { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  if (input !== undefined) child.stdin.end(input);
  else child.stdin.end();
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, exited };
}

const run = (tool, args, options) => start(tool, args, options).exited;

async function until(condition) {
  while (!condition()) await sleep(20);
}

/** A server that records each request's body and answers {"ok":true}, or holds answers back. */
function recordingServer() {
  const received = [];
  const held = [];
  let holding = false;
  const answer = (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ body, token: req.headers['x-api-key'] });
      if (holding) held.push(res);
      else answer(res);
    });
  });
  return {
    received,
    held,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const res of held.splice(0)) answer(res);
    },
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/`))),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** cmd.exe runs `line` as typed at its prompt (/s: the outer quotes only are taken away). */
function cmd(line, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.ComSpec || 'cmd.exe', ['/d', '/v:on', '/s', '/c', `"${line}"`], { env, windowsVerbatimArguments: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

for (const tool of TOOLS) {
  describe(tool.name, () => {
    const server = recordingServer();
    let url;
    before(async () => (url = await server.listen()));
    after(() => server.close());
    const callEnv = (extra = {}) => isolatedEnv({ ONEOFFICE_URL: url, ONEOFFICE_BEARER: TOKEN, ...extra });
    const bodies = () => server.received.splice(0).map((request) => request.body);

    it('answers --version, methods and --help', async () => {
      assert.deepEqual(await run(tool, ['--version']), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
      const methods = await run(tool, ['methods']);
      assert.equal(methods.code, 0);
      assert.match(methods.stdout, /^createUser {2,}/m);
      const help = await run(tool, ['--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: oneoffice /);
    });

    it('is cached as an installed copy is: its --help peaks at no more memory than a copy made by cp', linuxExecutableOnly(tool), (t) => {
      // /usr/bin/time reads the child's peak RSS (ru_maxrss), as npm run bench does.
      if (!existsSync('/usr/bin/time')) {
        assert.ok(!process.env.CI, '/usr/bin/time is missing (Debian: apt-get install time)');
        t.skip('/usr/bin/time is missing (Debian: apt-get install time)');
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), 'oo-copy-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const copy = join(dir, 'oneoffice');
      assert.equal(spawnSync('cp', [tool.command, copy]).status, 0);
      // One HOME for both: the same bytes share one code cache, written by the first run.
      const env = isolatedEnv();
      const peakKb = (command) => {
        const out = join(dir, 'peak');
        const result = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, command, '--help'], { env, encoding: 'utf8' });
        assert.equal(result.status, 0, result.stderr);
        return Number(readFileSync(out, 'utf8').trim().split('\n').pop());
      };
      const leastKb = (command) => Math.min(peakKb(command), peakKb(command), peakKb(command));
      peakKb(copy);
      const released = leastKb(tool.command);
      const copied = leastKb(copy);
      // The same bytes written whole by postject peaked ~50 % above their copy (2 MiB folios, mapped whole).
      assert.ok(released <= copied * 1.1, `release/ peaked at ${released} KB, its copy at ${copied} KB`);
    });

    it("keeps V8's compiled code in the user's cache folder: the first call writes it, the next reads it, a damaged file costs only a compile", async () => {
      const env = callEnv();
      const dir = WINDOWS ? join(env.LOCALAPPDATA, 'oneoffice', 'Cache', 'code') : join(env.HOME, '.cache', 'oneoffice', 'code');
      const call = (n) => run(tool, ['createUser', '--email', `cache${n}@example.com`], { env });
      const files = () => readdirSync(dir).sort();
      // A file written anew is renamed into place: another inode, another time.
      const versions = () => files().map((name) => {
        const stats = statSync(join(dir, name), { bigint: true });
        return `${name} ${stats.ino} ${stats.mtimeNs}`;
      });
      assert.deepEqual(await call(1), { code: 0, stdout: '{"ok":true}', stderr: '' });
      const written = files();
      for (const part of ['boot.cjs', 'perform.cjs']) assert.ok(written.some((name) => name.startsWith(`${part}-`)), `${part} in ${written.join(', ')}`);
      const before = versions();
      assert.deepEqual(await call(2), { code: 0, stdout: '{"ok":true}', stderr: '' });
      // Read and taken by V8: a refused or unread file would have been written again at exit.
      assert.deepEqual(versions(), before);
      const damaged = 'oneoffice-code 1 000008\nrun 1\n\u0000\u0000damaged';
      for (const name of written) writeFileSync(join(dir, name), damaged);
      assert.deepEqual(await call(3), { code: 0, stdout: '{"ok":true}', stderr: '' });
      const mended = versions();
      assert.deepEqual(files(), written);
      for (const name of written) assert.notEqual(readFileSync(join(dir, name), 'latin1'), damaged, name);
      assert.deepEqual(await call(4), { code: 0, stdout: '{"ok":true}', stderr: '' });
      assert.deepEqual(versions(), mended);
      assert.deepEqual(bodies(), [1, 2, 3, 4].map((n) => `{"method":"createUser","params":{"email":"cache${n}@example.com"}}`));
    });

    it('reads no cache file that others may write, nor a FIFO in its place: each costs a compile and is replaced', posixOnly, async () => {
      const env = callEnv();
      const dir = join(env.HOME, '.cache', 'oneoffice', 'code');
      const call = (n) => run(tool, ['createUser', '--email', `trust${n}@example.com`], { env });
      assert.deepEqual(await call(1), { code: 0, stdout: '{"ok":true}', stderr: '' });
      const file = join(dir, readdirSync(dir).find((name) => name.startsWith('perform.cjs-')));
      chmodSync(file, 0o666);
      const shared = statSync(file).ino;
      assert.deepEqual(await call(2), { code: 0, stdout: '{"ok":true}', stderr: '' });
      assert.notEqual(statSync(file).ino, shared);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      unlinkSync(file);
      assert.equal(spawnSync('mkfifo', [file]).status, 0);
      assert.deepEqual(await call(3), { code: 0, stdout: '{"ok":true}', stderr: '' });
      assert.ok(statSync(file).isFile());
      assert.deepEqual(bodies(), [1, 2, 3].map((n) => `{"method":"createUser","params":{"email":"trust${n}@example.com"}}`));
    });

    it('with its cache folder under /proc, where mkdir answers ENOENT (a recursive mkdirSync loops forever there), starts, and config set locks and writes the config', { skip: WINDOWS && 'no /proc on Windows', timeout: 60000 }, async () => {
      const env = isolatedEnv({ XDG_CACHE_HOME: '/proc/oneoffice-cache' });
      env.XDG_CONFIG_HOME = join(env.HOME, 'config');
      const help = await run(tool, ['--help'], { env });
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: oneoffice /);
      assert.deepEqual(await run(tool, ['config', 'set', 'url', 'https://api.example.com'], { env }), { code: 0, stdout: '', stderr: `set url in profile "default" (${join(env.XDG_CONFIG_HOME, 'oneoffice', 'config.json')})\n` });
      assert.deepEqual(JSON.parse(readFileSync(join(env.XDG_CONFIG_HOME, 'oneoffice', 'config.json'), 'utf8')), { profiles: { default: { url: 'https://api.example.com' } } });
    });

    it("writes the single executable's lock library into the user's cache folder, where its code cache is (a relative $XDG_CACHE_HOME ignored for both)", { skip: !tool.name.startsWith('single executable') && 'only the single executable carries the library' }, async () => {
      const env = isolatedEnv(WINDOWS ? {} : { XDG_CACHE_HOME: 'relative-cache' });
      const cwd = mkdtempSync(join(tmpdir(), 'oo-cwd-'));
      env.XDG_CONFIG_HOME = join(env.HOME, 'config');
      // config set locks the config file: the lock is the library's.
      assert.equal((await run(tool, ['config', 'set', 'url', 'https://api.example.com'], { env, cwd })).code, 0);
      const cache = WINDOWS ? join(env.LOCALAPPDATA, 'oneoffice', 'Cache') : join(env.HOME, '.cache', 'oneoffice');
      const names = readdirSync(cache);
      assert.ok(names.includes('code'), names.join(', '));
      assert.ok(names.some((name) => /^fs-native-extensions-.*\.node$/.test(name)), names.join(', '));
      assert.deepEqual(readdirSync(cwd), []);
    });

    /**
     * `config set` (which takes the lock) with HOME unset and TMPDIR a fresh folder: the library's folder
     * is TMPDIR/oneoffice-<uid>, made first by `prepare` (as another local user could in a shared /tmp).
     */
    async function withoutHome(prepare) {
      const tmp = mkdtempSync(join(tmpdir(), 'oo-tmp-'));
      const folder = join(tmp, `oneoffice-${process.getuid()}`);
      const env = isolatedEnv({ TMPDIR: tmp });
      delete env.HOME;
      env.XDG_CONFIG_HOME = join(tmp, 'config');
      prepare(folder);
      const result = await run(tool, ['config', 'set', 'url', 'https://api.example.com'], { env });
      return { result, folder, config: join(env.XDG_CONFIG_HOME, 'oneoffice', 'config.json') };
    }
    const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

    it('with no home, writes the lock library into a folder of its own in the temporary directory, made 0700, and loads it', tmpLibraryOnly(tool), async () => {
      const { result, folder, config } = await withoutHome(() => {});
      assert.deepEqual(result, { code: 0, stdout: '', stderr: `set url in profile "default" (${config})\n` });
      assert.equal(lstatSync(folder).mode & 0o777, 0o700);
      assert.deepEqual(readdirSync(folder).map((name) => /^fs-native-extensions-.*\.node$/.test(name)), [true]);
    });

    // Each makes the folder as another local user could, and returns the folder it leads to.
    for (const [what, prepare, why] of [
      ['writable by everyone (mode 0777)', (folder) => {
        mkdirSync(folder);
        chmodSync(folder, 0o777);
        return folder;
      }, () => 'may be written by other users (mode 0777)'],
      ['a symbolic link to another folder', (folder) => {
        const other = mkdtempSync(join(tmpdir(), 'oo-other-'));
        symlinkSync(other, folder);
        return other;
      }, () => 'is a symbolic link'],
      ["another user's (nobody's)", (folder) => {
        mkdirSync(folder, { mode: 0o700 });
        chownSync(folder, nobodyUid(), nobodyUid());
        return folder;
      }, () => `belongs to another user (uid ${nobodyUid()})`],
    ]) {
      it(`with no home, loads no library from a temporary folder of its name that is ${what}: exit 3, one line naming the folder, nothing written there`, tmpLibraryOnly(tool), async (t) => {
        if (what.includes('nobody') && process.getuid() !== 0) {
          assert.ok(!process.env.CI, 'CI runs the lane as root');
          t.skip('giving a folder to another user needs root');
          return;
        }
        let target;
        const { result, folder, config } = await withoutHome((dir) => (target = prepare(dir)));
        assert.equal(result.code, 3, result.stderr);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, new RegExp(`^oneoffice: no cache folder to load the file-lock library \\(fs-native-extensions-[^)]+\\.node\\) from: ${escaped(folder)} ${escaped(why())}: set XDG_CACHE_HOME to a folder of yours\\n$`));
        assert.deepEqual(readdirSync(target), []);
        assert.equal(existsSync(config), false);
      });
    }

    it('with no home, replaces a library file of its name that others may write before loading it', tmpLibraryOnly(tool), async () => {
      const first = await withoutHome(() => {});
      const name = readdirSync(first.folder)[0];
      const bytes = readFileSync(join(first.folder, name));
      let planted;
      const { result, folder } = await withoutHome((dir) => {
        mkdirSync(dir, { mode: 0o700 });
        writeFileSync(join(dir, name), bytes);
        chmodSync(join(dir, name), 0o666);
        planted = statSync(join(dir, name)).ino;
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(readdirSync(folder), [name]);
      const stats = statSync(join(folder, name));
      assert.notEqual(stats.ino, planted);
      assert.equal(stats.mode & 0o777, 0o700);
    });

    it('keeps its config under %APPDATA% (set, get, list, use), and ~ is the profile folder', windowsOnly, async () => {
      const env = isolatedEnv();
      const file = join(env.APPDATA, 'oneoffice', 'Config', 'config.json');
      assert.deepEqual(await run(tool, ['config', 'path'], { env }), { code: 0, stdout: `${file}\n`, stderr: '' });
      assert.equal((await run(tool, ['config', 'set', 'url', 'https://one.example/api'], { env })).code, 0);
      assert.equal((await run(tool, ['--profile', 'staging', 'config', 'set', 'url', 'https://two.example/api'], { env })).code, 0);
      assert.equal((await run(tool, ['config', 'use', 'staging'], { env })).code, 0);
      assert.deepEqual(await run(tool, ['config', 'get', 'url'], { env }), { code: 0, stdout: 'https://two.example/api\n', stderr: '' });
      const list = await run(tool, ['config', 'list'], { env });
      assert.equal(list.code, 0);
      assert.match(list.stdout, /\[staging\] \(active\)/);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')).profiles.default, { url: 'https://one.example/api' });
      const tilde = await run(tool, ['config', 'path', '--config', '~\\ci\\config.json'], { env });
      assert.deepEqual(tilde, { code: 0, stdout: `${join(env.USERPROFILE, 'ci', 'config.json')}\n`, stderr: '' });
    });

    it('reads --params @C:\\...\\file with a BOM and CRLF; a UTF-16 file is refused (exit 2), nothing sent', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oo-params-'));
      if (WINDOWS) assert.match(dir, /^[A-Z]:\\/);
      const file = join(dir, 'user.json');
      writeFileSync(file, `${BOM}{\r\n  "email": "test1@oneoffice.bh"\r\n}\r\n`);
      assert.deepEqual(await run(tool, ['createUser', '--params', `@${file}`], { env: callEnv() }), { code: 0, stdout: '{"ok":true}', stderr: '' });
      assert.deepEqual(bodies(), ['{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}']);
      writeFileSync(file, utf16('{"email":"test1@oneoffice.bh"}\r\n'));
      assert.deepEqual(await run(tool, ['createUser', `--params=@${file}`], { env: callEnv() }), { code: 2, stdout: '', stderr: `oneoffice: --params (${file}) ${UTF16_ADVICE}\n` });
      assert.deepEqual(bodies(), []);
    });

    it('batch: CRLF and BOM input sent, results written; a second batch on the same --results is refused (exit 3) while the first runs', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oo-batch-'));
      const input = join(dir, 'in.ndjson');
      const results = join(dir, 'r.ndjson');
      writeFileSync(input, `${BOM}${[1, 2, 3, 4].map((n) => JSON.stringify({ method: 'createUser', params: { email: `u${n}@example.com` } })).join('\r\n')}\r\n`);
      server.hold();
      const env = callEnv();
      const first = start(tool, ['batch', input, '--results', results, '--concurrency', '2'], { env });
      await until(() => server.held.length === 2 || first.child.exitCode !== null);
      assert.equal(server.held.length, 2, `the first batch ended: ${JSON.stringify(await Promise.race([first.exited, 'running']))}`);
      const second = await run(tool, ['batch', input, '--results', results, '--resume'], { env });
      assert.deepEqual(second, { code: 3, stdout: '', stderr: `oneoffice: --results: ${results} is in use by process ${first.child.pid} (a batch writing to it); wait for it to end, or choose another --results file\n` });
      server.release();
      const done = await first.exited;
      assert.equal(done.code, 0, done.stderr);
      assert.deepEqual(bodies().sort(), [1, 2, 3, 4].map((n) => `{"method":"createUser","params":{"email":"u${n}@example.com"}}`));
      const lines = readFileSync(results, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
      assert.deepEqual(lines.map((record) => [record.line, record.ok]).sort(), [[1, true], [2, true], [3, true], [4, true]]);
      assert.equal(existsSync(`${results}.lock`), false);
    });

    it('batch --resume after the process is killed (TerminateProcess) with two calls in flight sends nothing twice', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oo-resume-'));
      const input = join(dir, 'in.ndjson');
      const results = join(dir, 'r.ndjson');
      writeFileSync(input, [1, 2, 3, 4, 5].map((n) => `${JSON.stringify({ method: 'createUser', params: { email: `k${n}@example.com` } })}\n`).join(''));
      server.hold();
      const env = callEnv();
      const first = start(tool, ['batch', input, '--results', results, '--concurrency', '2'], { env });
      await until(() => server.held.length === 2 || first.child.exitCode !== null);
      assert.equal(server.held.length, 2, `the first batch ended: ${JSON.stringify(await Promise.race([first.exited, 'running']))}`);
      first.child.kill();
      await first.exited;
      server.release();
      const resumed = await run(tool, ['batch', input, '--results', results, '--resume'], { env });
      assert.equal(resumed.code, 6, resumed.stderr);
      assert.match(resumed.stderr, /2 uncertain \(lines 1, 2\)/);
      assert.deepEqual(bodies().map((body) => JSON.parse(body).params.email).sort(), ['k1', 'k2', 'k3', 'k4', 'k5'].map((name) => `${name}@example.com`));
    });

    it('mock: --ready-file, a real call, and --state kept across a restart after the process is killed', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oo-mock-'));
      const state = join(dir, 'state.json');
      const startMock = async () => {
        const ready = join(dir, `ready-${Date.now()}.json`);
        const mock = start(tool, ['mock', '--port', '0', '--token', TOKEN, '--quiet', '--print', 'json', '--state', state, '--ready-file', ready]);
        await until(() => existsSync(ready) || mock.child.exitCode !== null);
        const settings = JSON.parse(readFileSync(ready, 'utf8'));
        assert.equal(settings.token, TOKEN);
        return { mock, env: isolatedEnv({ ONEOFFICE_URL: settings.url, ONEOFFICE_BEARER: TOKEN }) };
      };
      const one = await startMock();
      const created = await run(tool, ['createUser', '--email', 'kept@oneoffice.bh'], { env: one.env });
      assert.equal(created.code, 0, created.stderr);
      assert.equal(JSON.parse(created.stdout).email, 'kept@oneoffice.bh');
      one.mock.child.kill();
      await one.mock.exited;
      const two = await startMock();
      const found = await run(tool, ['getUserByEmail', '--email', 'kept@oneoffice.bh'], { env: two.env });
      assert.equal(found.code, 0, found.stderr);
      assert.equal(JSON.parse(found.stdout).email, 'kept@oneoffice.bh');
      two.mock.child.kill();
      await two.mock.exited;
    });

    it('oneoffice test runs a CRLF scenario against its own mock and writes a JUnit report', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oo-scenario-'));
      const scenario = join(dir, 'smoke.yml');
      writeFileSync(scenario, 'name: smoke\r\nsteps:\r\n  - name: create\r\n    call: createUser\r\n    params:\r\n      email: s@oneoffice.bh\r\n    expect:\r\n      status: 200\r\n');
      const report = join(dir, 'junit.xml');
      const result = await run(tool, ['test', scenario, '--mock', '--report', `junit:${report}`]);
      assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
      assert.match(readFileSync(report, 'utf8'), /<testsuites[^>]* tests="1" failures="0"/);
    });

    it('prints completion scripts', async () => {
      for (const shell of ['bash', 'zsh', 'fish']) {
        const result = await run(tool, ['completion', shell]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /oneoffice __complete/);
      }
    });

    it("mock --print cmd: Wine's cmd sets what the mock serves", windowsOnly, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oo-print-'));
      const ready = join(dir, 'ready.txt');
      const mock = start(tool, ['mock', '--port', '0', '--token', TOKEN, '--quiet', '--print', 'cmd', '--ready-file', ready]);
      await until(() => existsSync(ready) || mock.child.exitCode !== null);
      const line = readFileSync(ready, 'utf8').trim();
      const result = await cmd(`${line} & echo !ONEOFFICE_URL! !ONEOFFICE_BEARER!`, isolatedEnv());
      mock.child.kill();
      await mock.exited;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout.trim(), new RegExp(`^http://127\\.0\\.0\\.1:\\d+/ ${TOKEN}$`));
    });

    it("--curl=cmd run by Wine's cmd hands curl.exe the JSON oneoffice sends, in ASCII whatever the code page", windowsOnly, async () => {
      const args = ['createUser', '--email', 'test1@oneoffice.bh', '--display-name', 'Zoë "quoted" ^caret & <pipe| (x) €'];
      const sent = await run(tool, args, { env: callEnv() });
      assert.equal(sent.code, 0, sent.stderr);
      const [body] = bodies();
      const printed = await run(tool, [...args, '--curl=cmd'], { env: callEnv() });
      assert.equal(printed.code, 0, printed.stderr);
      const argvFile = join(mkdtempSync(join(tmpdir(), 'oo-curl-')), 'argv');
      const result = await cmd(printed.stdout.trim(), isolatedEnv({ ONEOFFICE_BEARER: TOKEN, CURL_ARGV_FILE: argvFile, PATH: `${CURL_DIR};${process.env.PATH}` }));
      assert.equal(result.code, 0, result.stderr);
      const argv = readFileSync(argvFile, 'latin1').split('\0').slice(0, -1);
      const data = argv[argv.indexOf('--data') + 1];
      assert.match(data, /^[\x20-\x7e]+$/);
      assert.deepEqual(JSON.parse(data), JSON.parse(body));
      assert.ok(argv.includes(`x-api-key: ${TOKEN}`), argv.join(' | '));
    });
  });
}

// `oneoffice mock` as a process: its startup line, options, signals, the state file across a
// restart; and the demo that runs on it.
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinSchemas } from '../../src/generated/builtin.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { apiCall, killMockProcesses, runCliAgainst, startMockProcess } from '../helpers/mock-process.js';
import { NO_POSIX_SHELL, NO_POSIX_SIGNALS } from '../helpers/platform.js';
import { tempDir } from '../helpers/temp.js';

const DUPLICATE = 'duplicate key value violates unique constraint "users_email"';

afterEach(killMockProcesses);

describe('starting and stopping', () => {
  it.skipIf(NO_POSIX_SIGNALS)('prints one shell line with the URL and token on stdout', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', 'fixed-token-1', '--quiet']);
    expect(mock.startLine).toMatch(/^export ONEOFFICE_URL=http:\/\/127\.0\.0\.1:\d+\/ ONEOFFICE_BEARER=fixed-token-1$/);
    expect(mock.url).not.toBe('http://127.0.0.1:0/');
    expect(await mock.stop('SIGINT')).toBe(0);
    expect(mock.stderr()).toBe('');
  });

  it.skipIf(NO_POSIX_SHELL)('quotes a token a shell would otherwise interpret', async () => {
    const token = `it's$HOME;x`;
    const mock = await startMockProcess(['--port', '0', '--token', token, '--quiet']);
    const shell = spawnSync('sh', ['-c', `${mock.startLine}\nprintf '%s\\n' "$ONEOFFICE_URL" "$ONEOFFICE_BEARER"`], { encoding: 'utf8' });
    expect(shell.stdout).toBe(`${mock.url}\n${token}\n`);
    expect((await runCliAgainst({ url: mock.url, token }, ['createUser', '--email', 'q@b.cd'])).code).toBe(0);
  });

  it('makes up a random token when none is given', async () => {
    const first = await startMockProcess(['--port', '0', '--quiet']);
    const second = await startMockProcess(['--port', '0', '--quiet']);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(second.token).not.toBe(first.token);
    expect((await apiCall(first, 'createUser', { email: 'r@b.cd' })).status).toBe(200);
    expect((await apiCall({ url: first.url, token: second.token }, 'createUser', { email: 's@b.cd' })).status).toBe(401);
  });

  it.skipIf(NO_POSIX_SIGNALS)('SIGINT stops it with exit code 0', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', 'fixed-token-2']);
    expect(await mock.stop('SIGINT')).toBe(0);
    expect(mock.stderr()).toBe(`oneoffice mock: serving ${mock.url}; Ctrl-C stops it\noneoffice mock: stopped\n`);
  });

  it('a port in use is a usage error', async () => {
    const mock = await startMockProcess(['--port', '0', '--quiet']);
    const port = new URL(mock.url).port;
    const result = await runCli(['mock', '--port', port]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `oneoffice: mock: cannot listen on 127.0.0.1:${port}: the port is in use (choose another with --port, or --port 0 for any free one)\n`,
    });
  });

  it.each([
    [['--port', 'abc'], "oneoffice: mock: option '--port <port>' argument 'abc' is invalid. must be a port number from 0 to 65535"],
    [['--port', '70000'], "oneoffice: mock: option '--port <port>' argument '70000' is invalid. must be a port number from 0 to 65535"],
    [['--fail-rate', '1.5'], "oneoffice: mock: option '--fail-rate <rate>' argument '1.5' is invalid. must be a number from 0 to 1"],
    [['--latency', '-5'], "oneoffice: mock: option '--latency <ms>' argument '-5' is invalid. must be a whole number of milliseconds"],
    [['--verbose'], 'oneoffice: mock: unknown option --verbose'],
    [['now'], 'oneoffice: mock: too many arguments. Expected 0 arguments but got 1.'],
    [['--token', 'has space-secret'], 'oneoffice: mock: --token must be printable ASCII without spaces (it travels in an HTTP header)'],
  ])('oneoffice mock %j: exit 2', async (args, message) => {
    expect(await runCli(['mock', ...args])).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('accepts the global options, and validates with the schemas --schemas adds', async () => {
    const dir = tempDir('mock-schemas');
    const schema = { ...builtinSchemas['createUser'], required: ['email', 'displayName'] };
    writeFileSync(join(dir, 'createUser.json'), JSON.stringify(schema));
    const globals = ['--no-color', '--profile', 'other', '--config', join(dir, 'no-config.json')];
    const mock = await startMockProcess(['--port', '0', '--quiet', '--schemas', dir, ...globals]);
    const response = await apiCall(mock, 'createUser', { email: 'strict@b.cd' });
    expect(response).toMatchObject({ status: 400, body: JSON.stringify('missing required "displayName"') });
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await runCli(['mock', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: oneoffice mock \[options\]\n/);
    for (const option of ['--host <host>', '--port <port>', '--token <token>', '--state <file>', '--latency <ms>', '--fail-rate <rate>', '--quiet']) {
      expect(result.stdout).toContain(option);
    }
  });
});

describe('--state', () => {
  it.skipIf(NO_POSIX_SIGNALS)('keeps customers, orders and users across a restart, without passwords', async () => {
    const dir = tempDir('mock-state');
    const statePath = join(dir, 'state.json');
    const first = await startMockProcess(['--port', '0', '--token', 'state-token', '--state', statePath, '--quiet']);
    const cli = (mock: { url: string; token: string }, ...args: string[]) => runCliAgainst(mock, args);
    expect((await cli(first, 'createCustomer', '--id', 'ABC', '--name', 'ABC Company', '--admin.email', 'test3@example.com')).code).toBe(0);
    expect((await cli(first, 'createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly')).code).toBe(0);
    const created = await cli(first, 'createUser', '--email', 'kept@oneoffice.bh', '--password', 'never-in-the-file');
    expect(created.code).toBe(0);
    expect((await cli(first, 'updateUserByEmail', '--email', 'kept@oneoffice.bh', '--is-active', 'false')).code).toBe(0);
    // Stopped right after a change: the shutdown must write what the coalescing delay has not yet.
    expect((await apiCall(first, 'createUser', { email: 'last@oneoffice.bh' })).status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);

    const text = readFileSync(statePath, 'utf8');
    const saved = JSON.parse(text);
    expect(saved.users.map((user: { email: string }) => user.email)).toEqual(['kept@oneoffice.bh', 'last@oneoffice.bh']);
    expect(saved.orders).toHaveLength(1);
    expect(text).not.toContain('never-in-the-file');
    expect(text).not.toContain('state-token');
    expect(readdirSync(dir)).toEqual(['state.json']);

    const second = await startMockProcess(['--port', '0', '--token', 'other-token', '--state', statePath, '--quiet']);
    const found = await cli(second, 'getUserByEmail', '--email', 'kept@oneoffice.bh');
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toEqual({ ...JSON.parse(created.stdout), isActive: false });
    const duplicate = await cli(second, 'createUser', '--email', 'kept@oneoffice.bh');
    expect(duplicate.code).toBe(4);
    expect(duplicate.stdout).toBe(JSON.stringify(DUPLICATE));
    expect((await cli(second, 'createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly')).code).toBe(4);
    expect((await cli(second, 'createRenewalOrder', '--parent', 'ORD1', '--id', 'ORD2')).code).toBe(0);
    const next = await cli(second, 'createUser', '--email', 'next@oneoffice.bh');
    expect(JSON.parse(next.stdout).id).toBe(JSON.parse(created.stdout).id + 2);
  });

  it('a state file that is not valid JSON stops the start (exit 3) and is left as it was', async () => {
    const statePath = join(tempDir('mock-state'), 'state.json');
    writeFileSync(statePath, '{"version":1,');
    const result = await runCli(['mock', '--port', '0', '--state', statePath]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^oneoffice: state file ${statePath} is not valid JSON: `));
    expect(readFileSync(statePath, 'utf8')).toBe('{"version":1,');
  });

  it('a state file in a directory that does not exist stops the start (exit 3)', async () => {
    const statePath = join(tmpdir(), 'oneoffice-no-such-dir', 'x', 'state.json');
    expect(await runCli(['mock', '--port', '0', '--state', statePath])).toEqual({ code: 3, stdout: '', stderr: `oneoffice: cannot write state file ${statePath}: ENOENT\n` });
  });
});

describe('npm run demo', () => {
  it('runs oneoffice doctor and the documented lifecycle against an in-process mock, then the same as a smoke check with oneoffice test --mock, and exits 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '' } });
    const commands = stdout.split('\n').filter((line) => line.startsWith('$ oneoffice '));
    expect(commands.map((line) => line.split(' ')[2])).toEqual([
      'doctor', 'createCustomer', 'createFirstOrder', 'createRenewalOrder', 'createUser', 'updateUserByEmail', 'getUserByEmail', 'createUser', 'test',
    ]);
    expect(stdout.match(/^\[exit code \d\]$/gm)).toEqual([...Array(7).fill('[exit code 0]'), '[exit code 4]', '[exit code 0]']);
    expect(stdout).toContain('ok    auth       token accepted (the test user is unknown, as expected: 400)\n');
    expect(stdout).toMatch(/\nall checks passed, 1 warning\n\[exit code 0\]\n/);
    expect(stdout).toContain('$ oneoffice test examples/smoke --mock\n.......\n\nOK: 1 scenario, 7 steps: 7 passed in ');
    expect(stdout).toContain(`${JSON.stringify(DUPLICATE)}\n[exit code 4]`);
    expect(stdout).toMatch(/All steps ended as expected\.\n$/);
  });
});

// Secrets stay out of sight and go only where the user said (issue 13): passwords inside URLs,
// a token echoed by the server, results files made private, secret params typed on the command
// line, and which of the command line and the environment wins. In this process through main(),
// against a recording server on 127.0.0.1; the stdin spool after kill -9 needs a process:
// test/e2e/harden-secrets.test.ts.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { configPath } from '../helpers/config.js';
import { runMain } from '../helpers/in-process.js';
import { createClient } from '../../src/index.js';
import { startMock } from '../helpers/mock-server.js';
import { startRecordingServer, useRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const TOKEN = 'harden-secrets-token-0123456789-c0de';
const PASSWORD = 'url-secret-pw-that-must-not-show';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

const configFile = configPath;

describe('passwords inside URLs (item 10)', () => {
  it('config list and config get mask them in url and proxy; --show-secrets shows them', async () => {
    await runMain(['config', 'set', 'url', `https://user:${PASSWORD}@api.example.com/x`], rec.env);
    await runMain(['config', 'set', 'proxy', `http://proxyuser:${PASSWORD}@127.0.0.1:3128`], rec.env);
    expect(await runMain(['config', 'list'], rec.env)).toEqual({
      code: 0,
      stdout: '[default] (active)\nurl=https://user:****@api.example.com/x\nproxy=http://proxyuser:****@127.0.0.1:3128\n',
      stderr: '',
    });
    expect(await runMain(['config', 'get', 'url'], rec.env)).toEqual({ code: 0, stdout: 'https://user:****@api.example.com/x\n', stderr: '' });
    expect(await runMain(['config', 'get', 'proxy'], rec.env)).toEqual({ code: 0, stdout: 'http://proxyuser:****@127.0.0.1:3128\n', stderr: '' });
    expect((await runMain(['config', 'get', 'url', '--show-secrets'], rec.env)).stdout).toBe(`https://user:${PASSWORD}@api.example.com/x\n`);
  });

  it('"not a valid URL" does not echo the password, from a flag or from the environment', async () => {
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', `https://user:${PASSWORD}@[bad/x`], rec.env)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: flag --url: not a valid URL (got "https://user:****@[bad/x")\n',
    });
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co'], { ...rec.env, ONEOFFICE_URL: `http//user:${PASSWORD}@host/x` })).toEqual({
      code: 3,
      stdout: '',
      stderr: 'oneoffice: env ONEOFFICE_URL: not a valid URL (got "http//user:****@host/x")\n',
    });
    expect(rec.server.received).toHaveLength(0);
  });

  it('doctor names the URL with its password masked, as text and as --json', async () => {
    const url = rec.server.url.replace('http://', `http://user:${PASSWORD}@`);
    const masked = rec.server.url.replace('http://', 'http://user:****@');
    const text = await runMain(['doctor'], { ...rec.env, ONEOFFICE_URL: url });
    expect(text.stdout).toContain(`\nok    url        ${masked} (from $ONEOFFICE_URL)\n`);
    const json = await runMain(['doctor', '--json'], { ...rec.env, ONEOFFICE_URL: url });
    expect((JSON.parse(json.stdout) as { checks: Array<{ name: string; detail: string }> }).checks.find((check) => check.name === 'url')?.detail).toBe(`${masked} (from $ONEOFFICE_URL)`);
    expect(text.stdout + text.stderr + json.stdout + json.stderr).not.toContain(PASSWORD);
  });
});

describe('a token echoed back by the server (item 10)', () => {
  it('is masked in -v response headers', async () => {
    rec.server.respond((request, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo-key': String(request.headers['x-api-key']) });
      res.end('{"ok":true}');
    });
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-v'], rec.env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('\n< x-echo-key: ****\n');
    expect(result.stderr).not.toContain(TOKEN);
    expect(result.stderr).not.toContain(TOKEN.slice(0, -4));
  });

  it('is masked in an error answer’s body on stdout also when the server wrote it with JSON escapes', async () => {
    const escaped = `\\u0068${TOKEN.slice(1).replaceAll('-', '\\u002d')}`;
    rec.server.respond((_request, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(`{"error":"bad key ${escaped}"}`);
    });
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co'], rec.env);
    expect(result).toEqual({ code: 4, stdout: '{"error":"bad key ****"}', stderr: 'oneoffice: server answered 401 Unauthorized: bad key ****\n' });
  });

  it("is masked percent-encoded, as a URL writes it: a redirect's Location, -v, -w and an error body on stdout", async () => {
    // A base64 token: `+`, `/` and `=` are what a URL writes as %2B, %2F and %3D.
    const base64Token = 'dG9rZW4+d2l0aC/zb21lLWJ5dGVz0Q==';
    const inUrl = encodeURIComponent(base64Token);
    expect(inUrl).not.toContain(base64Token.slice(0, 8));
    rec.server.respond((request, res) => {
      const sent = encodeURIComponent(String(request.headers['x-api-key']));
      if (request.body.includes('moved')) {
        res.writeHead(302, { location: `https://login.example/?next=%2Fapi&key=${sent}` });
        res.end();
      } else {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(`see https://login.example/?key=${sent.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())}`));
      }
    });
    const env = { ...rec.env, ONEOFFICE_BEARER: base64Token };
    const moved = await runMain(['getUserByEmail', '--email', 'moved@b.co', '-v', '-w', '%{stderr}%header{location}\n'], env);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('< location: https://login.example/?next=%2Fapi&key=****\n');
    expect(moved.stderr).toContain('\nhttps://login.example/?next=%2Fapi&key=****\n');
    expect(moved.stderr).toContain('oneoffice: server answered 302 Found (Location: https://login.example/?next=%2Fapi&key=****)');
    expect(moved.stderr).not.toContain(inUrl.slice(0, 12));
    const refused = await runMain(['getUserByEmail', '--email', 'a@b.co'], env);
    expect(refused).toEqual({ code: 4, stdout: '"see https://login.example/?key=****"', stderr: 'oneoffice: server answered 401 Unauthorized: see https://login.example/?key=****\n' });
  });
});

describe('files that hold secrets (item 10)', () => {
  it('a --results file that already existed (0644) is made 0600, like its journal', async () => {
    const dir = tempDir('results');
    const results = join(dir, 'results.ndjson');
    writeFileSync(results, '');
    chmodSync(results, 0o644);
    const result = await runMain(['batch', '-', '--results', results], rec.env, { input: '{"method":"createUser","params":{"email":"a@b.co"}}\n' });
    expect(result.code).toBe(0);
    expect(statSync(results).mode & 0o777).toBe(0o600);
    expect(statSync(`${results}.journal`).mode & 0o777).toBe(0o600);
  });

  it("a mock --state file's log that already existed (0644) is made 0600 before a change is written to it", async () => {
    const state = join(tempDir('state-log'), 'state.json');
    writeFileSync(`${state}.log`, '');
    chmodSync(`${state}.log`, 0o644);
    const mock = await startMock({ statePath: state });
    try {
      expect((await runMain(['createUser', '--email', 'kept@b.co'], isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token }))).code).toBe(0);
      expect(readFileSync(`${state}.log`, 'utf8')).toContain('kept@b.co');
      expect(statSync(`${state}.log`).mode & 0o777).toBe(0o600);
    } finally {
      await mock.close();
    }
  });
});

describe('secret params on the command line (item 12)', () => {
  const warning = (what: string) => `oneoffice: warning: a secret given ${what} is visible to other local users (ps); prefer --params @file or --params - (stdin)\n`;

  it('--password gets the same kind of warning as --bearer', async () => {
    expect(await runMain(['createUser', '--email', 'a@b.co', '--password', 'onemoretime'], rec.env)).toEqual({ code: 0, stdout: '{"ok":true}', stderr: warning('with --password') });
    expect(await runMain(['resetPasswordByEmail', '--email', 'a@b.co', '--password=onemoretime'], rec.env)).toEqual({ code: 0, stdout: '{"ok":true}', stderr: warning('with --password') });
  });

  it('so does a password inside --params JSON on the command line, but not one read from stdin', async () => {
    const typed = await runMain(['call', 'createUser', '--params', '{"email":"a@b.co","password":"onemoretime"}'], rec.env);
    expect(typed).toEqual({ code: 0, stdout: '{"ok":true}', stderr: warning('in --params on the command line') });
    const piped = await runMain(['call', 'createUser', '--params', '-'], rec.env, { input: '{"email":"a@b.co","password":"onemoretime"}' });
    expect(piped).toEqual({ code: 0, stdout: '{"ok":true}', stderr: '' });
  });
});

describe('the command line wins over the environment (item 13)', () => {
  async function setUpProfile(env: Record<string, string>, url: string): Promise<void> {
    await runMain(['--profile', 'p2', 'config', 'set', 'url', url], env);
    await runMain(['--profile', 'p2', 'config', 'set', 'bearer'], env, { input: 'p2-token-0123456789abcdef' });
  }

  it('an explicit --profile beats ambient URL/BEARER and ONEOFFICE_*; -v says where each came from', async () => {
    const p2 = await startRecordingServer();
    try {
      const env = isolatedEnv({ URL: rec.server.url, BEARER: 'ambient-ci-token-xxxx', ONEOFFICE_URL: rec.server.url });
      await setUpProfile(env, p2.url);
      const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--profile', 'p2', '-v'], env);
      expect(result.code).toBe(0);
      expect(rec.server.received).toHaveLength(0);
      expect(p2.received[0]!.headers['x-api-key']).toBe('p2-token-0123456789abcdef');
      expect(result.stderr.split('\n').slice(0, 2)).toEqual([`* url from profile p2 (config file ${configFile(env)})`, `* token from profile p2 (config file ${configFile(env)})`]);
    } finally {
      await p2.close();
    }
  });

  it('then ONEOFFICE_*, then ONEOFFICE_PROFILE, then URL/BEARER, then the default profile', async () => {
    const p2 = await startRecordingServer();
    const other = await startRecordingServer();
    try {
      const env = isolatedEnv({});
      await setUpProfile(env, p2.url);
      await runMain(['config', 'set', 'url', 'http://127.0.0.1:1/default-profile'], env);
      const cases: Array<[Record<string, string>, string, string]> = [
        [{ ONEOFFICE_URL: other.url, ONEOFFICE_PROFILE: 'p2', URL: rec.server.url }, other.url, '$ONEOFFICE_URL'],
        [{ ONEOFFICE_PROFILE: 'p2', URL: rec.server.url }, p2.url, `profile p2 (config file ${configFile(env)}, named by $ONEOFFICE_PROFILE)`],
        [{ URL: rec.server.url }, rec.server.url, '$URL'],
      ];
      for (const [extra, expected, from] of cases) {
        for (const server of [p2, other, rec.server]) server.received.length = 0;
        const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-v'], { ...env, ONEOFFICE_BEARER: TOKEN, ...extra });
        expect(result.code).toBe(0);
        expect(result.stderr.split('\n').slice(0, 2)).toEqual([`* url from ${from}`, '* token from $ONEOFFICE_BEARER']);
        const reached = [p2, other, rec.server].filter((server) => server.received.length > 0).map((server) => server.url);
        expect(reached).toEqual([expected]);
      }
    } finally {
      await p2.close();
      await other.close();
    }
  });

  it('"no API URL" names the places in that order', async () => {
    const env = isolatedEnv({});
    // A profile that exists but has no URL (an unknown one is an error of its own: item 14).
    expect((await runMain(['--profile', 'p3', 'config', 'set', 'retry', '0'], env)).code).toBe(0);
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co', '--profile', 'p3'], env)).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: no API URL: looked in --url, profile "p3" in ${configFile(env)}, $ONEOFFICE_URL and $URL (set one, e.g. oneoffice config set url https://...)\n`,
    });
  });
});

describe('names of this machine, *.localhost, over plain http://', () => {
  // The token goes to them in clear as to a loopback host: they must reach this machine whatever DNS
  // would answer for them (here it knows none of them), looked up as localhost is, as curl does.
  const local = () => rec.server.url.replace('127.0.0.1', 'api.localhost');

  it('a single call reaches this machine, with the token, the Host header naming the host as given', async () => {
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co'], { ...rec.env, ONEOFFICE_URL: local() });
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(rec.server.received[0]?.headers).toMatchObject({ host: `api.localhost:${rec.server.port}`, 'x-api-key': TOKEN });
  });

  it('so do a batch, a scenario and the library client', async () => {
    const dir = tempDir('localhost-names');
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, `${JSON.stringify({ method: 'getUserByEmail', params: { email: 'a@b.co' } })}\n`);
    expect((await runMain(['batch', input], { ...rec.env, ONEOFFICE_URL: local() })).code).toBe(0);
    const scenario = join(dir, 'smoke.yml');
    writeFileSync(scenario, 'steps:\n  - call: getUserByEmail\n    params: { email: a@b.co }\n    expect: { schema: false }\n');
    expect((await runMain(['test', scenario], { ...rec.env, ONEOFFICE_URL: local() })).code).toBe(0);
    const client = createClient({ url: local(), token: TOKEN });
    await client.getUserByEmail({ email: 'a@b.co' });
    await client.close();
    expect(rec.server.received.map((request) => request.headers.host)).toEqual(Array.from({ length: 3 }, () => `api.localhost:${rec.server.port}`));
  });

  it('so does a proxy named so, reached over plain http:// as a loopback one', async () => {
    // The recording server plays the proxy: the call goes to it whole.
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--retry', '0'], { ...rec.env, ONEOFFICE_URL: 'http://127.0.0.1:9/api', HTTP_PROXY: `http://proxy.localhost:${rec.server.port}` });
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(rec.server.received[0]?.url).toBe('http://127.0.0.1:9/api');
  });
});

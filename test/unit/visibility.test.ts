// -v, --dry-run and --curl show exactly what is sent, and no output mode leaks a secret: main() in
// this process against a recording server (curl itself run by each shell). What only the built CLI
// shows (its version in User-Agent, TLS trusted through NODE_EXTRA_CA_CERTS) is test/e2e/visibility.test.ts.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { writeConfig } from '../helpers/config.js';
import { runMain } from '../helpers/in-process.js';
import { NO_POSIX_SHELL } from '../helpers/platform.js';
import { startRecordingServer, useRecordingServer, type Received, type RecordingServer } from '../helpers/server.js';
import { VERSION } from '../../src/api/request.js';

const TOKEN = 'visible-token-0123456789-c0de';
const PASSWORD = 'pa55-w0rd-that-must-not-leak';
const PASSWORD_WARNING = 'oneoffice: warning: a secret given with --password is visible to other local users (ps); prefer --params @file or --params - (stdin)\n';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));


const sh = promisify(execFile);

describe('--curl', () => {
  const calls: Array<[string, string[]]> = [
    ['the seed example', ['createUser', '--email', 'test1@oneoffice.bh']],
    ['nested params and extra headers', ['createCustomer', '--id', 'ABC', '--name', 'ABC Company', '--admin.email', 'test3@example.com', '-H', 'X-Trace: 42']],
    ['hostile params through call', ['call', 'anyMethod', '--params', JSON.stringify({ s: 'it\'s "$HOME" `id` $(id) \\ \n\t ünï 😀 %s', n: [1, null, true] })]],
    ['a removed default header', ['getUserByEmail', '--email', 'a@b.co', '-H', 'User-Agent:']],
    ['--show-secrets with a password', ['createUser', '--email', 'a@b.co', '--password', 'it\'s $ecret', '--show-secrets']],
  ];
  const shells = ['sh', 'bash', 'dash', 'zsh'].filter((shell) => spawnSync(shell, ['-c', 'exit 0']).status === 0);
  it.skipIf(NO_POSIX_SHELL).each(calls)('%s: curl sends what oneoffice sends, run by sh, bash, dash and zsh', async (_name, args) => {
    const printed = await runMain([...args, '--curl'], rec.env);
    expect(printed.code).toBe(0);
    expect(rec.server.received).toHaveLength(0);
    // The token came from ONEOFFICE_BEARER, so that is what the command reads.
    for (const shell of shells) await sh(shell, ['-c', `${printed.stdout.trim()} -sS -o /dev/null`], { env: { PATH: process.env['PATH'], ONEOFFICE_BEARER: TOKEN } });
    expect(rec.server.received).toHaveLength(shells.length);
    const sent = await runMain(args.filter((a) => a !== '--show-secrets'), rec.env);
    expect(sent.code).toBe(0);
    // Each shell's curl comes over a connection of its own: all but the client's port is the same.
    const request = ({ clientPort: _port, ...rest }: Received) => rest;
    for (const fromCurl of rec.server.received.slice(1, -1)) expect(request(fromCurl)).toEqual(request(rec.server.received[0]!));
    const [fromCurl, fromUs] = [rec.server.received[0], rec.server.received.at(-1)];
    expect(fromCurl!.method).toBe(fromUs!.method);
    expect(fromCurl!.url).toBe(fromUs!.url);
    expect(fromCurl!.body).toBe(fromUs!.body);
    const significant = (headers: Array<[string, string]>) =>
      headers.filter(([name]) => !['connection', 'content-length'].includes(name.toLowerCase())).map(([name, value]) => [name.toLowerCase(), value]).sort();
    expect(significant(fromCurl!.rawHeaders)).toEqual(significant(fromUs!.rawHeaders));
    expect(fromCurl!.headers['content-length']).toBe(fromUs!.headers['content-length']);
  });

  it("a URL's user name and password are sent nowhere, and a warning says so naming where the URL came from", async () => {
    const withCredentials = rec.server.url.replace('http://', 'http://me:url-pass-2468@');
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', withCredentials], isolatedEnv({ ONEOFFICE_BEARER: TOKEN }));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("oneoffice: warning: the URL's user name and password (from --url) are not sent: the API takes its token in x-api-key\n");
    const received = rec.server.received[0]!;
    expect(received.headers['authorization']).toBeUndefined();
    expect(JSON.stringify(received)).not.toContain('url-pass-2468');
    expect(received.headers['x-api-key']).toBe(TOKEN);
  });

  it("warns that a proxy's password from --proxy is masked in the command, and --show-secrets prints it", async () => {
    const proxy = 'http://user:proxy-pass-5678@127.0.0.1:3128';
    const masked = await runMain(['getUserByEmail', '--email', 'a@b.co', '--proxy', proxy, '--curl'], isolatedEnv({ URL: rec.server.url }));
    expect(masked.code).toBe(0);
    expect(masked.stdout).toContain("--proxy 'http://user:****@127.0.0.1:3128/'");
    expect(masked.stderr).toBe("oneoffice: warning: the proxy's password is masked in this command; add --show-secrets to print a command that sends it\n");
    const shown = await runMain(['getUserByEmail', '--email', 'a@b.co', '--proxy', proxy, '--curl', '--show-secrets'], isolatedEnv({ URL: rec.server.url }));
    expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: '' });
    expect(shown.stdout).toContain(`--proxy ${proxy}/ `);
  });

  it('needs no token, and warns when it masks a password', async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '--password', PASSWORD, '--curl'], isolatedEnv({ URL: rec.server.url }));
    expect(result).toEqual({
      code: 0,
      stdout: `curl -X GET ${rec.server.url} --header "x-api-key: \${ONEOFFICE_BEARER}" --header 'Content-Type: application/json' --header 'Accept: application/json' --header 'User-Agent: oneoffice/${VERSION}' --data '{"method":"createUser","params":{"email":"a@b.co","password":"****…leak"}}'\n`,
      stderr: `${PASSWORD_WARNING}oneoffice: warning: secret params are masked in this command; add --show-secrets to print a command that sends them\n`,
    });
  });
});

describe('--dry-run', () => {
  it('headers and length match what a real call puts on the wire', async () => {
    const dry = await runMain(['createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly', '--dry-run', '--show-secrets'], rec.env);
    await runMain(['createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly'], rec.env);
    const received = rec.server.received[0]!;
    expect(dry.stdout).toBe(`GET /api/external HTTP/1.1\n${received.rawHeaders.map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${received.body}\n`);
  });

  it('invalid input fails as a real call does', async () => {
    expect(await runMain(['createUser', '--email', 'nope', '--dry-run'], rec.env)).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --email: must be an e-mail address (got "nope")\n' });
  });
});

describe('-v', () => {
  it('shows the connection, every header sent and received, and the body', async () => {
    const result = await runMain(['createUser', '--email', 'test1@oneoffice.bh', '--password', PASSWORD, '-v'], rec.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"ok":true}');
    const received = rec.server.received[0]!;
    const lines = result.stderr.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      PASSWORD_WARNING.trim(), '* url from $ONEOFFICE_URL', '* token from $ONEOFFICE_BEARER',
      `* Trying 127.0.0.1:${rec.server.port}...`, `* Connected to 127.0.0.1 (127.0.0.1) port ${rec.server.port}`,
    ]);
    const sent = lines.slice(5, 5 + 1 + received.rawHeaders.length + 1);
    expect(sent).toEqual([
      '> GET /api/external HTTP/1.1',
      ...received.rawHeaders.map(([n, v]) => `> ${n}: ${n === 'x-api-key' ? '****…c0de' : v}`),
      '>',
    ]);
    const rest = lines.slice(5 + sent.length).join('\n');
    expect(rest).toMatch(
      /^\{\n {2}"method": "createUser",\n {2}"params": \{\n {4}"email": "test1@oneoffice\.bh",\n {4}"password": "\*\*\*\*…leak"\n {2}\}\n\}\n< HTTP\/1\.1 200 OK\n< content-type: application\/json\n< Date: .+\n< Connection: keep-alive\n< Keep-Alive: timeout=5\n< Transfer-Encoding: chunked\n<\n\* Request completed in \d+ ms\n$/,
    );
  });

  it("shows the server's own reason phrase and each repeated header on its own line", async () => {
    const custom = await startRecordingServer((_request, res) => {
      res.statusMessage = 'Fine Thanks';
      res.setHeader('x-repeated', ['one', 'two']);
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    try {
      const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-v'], { ...rec.env, ONEOFFICE_URL: custom.url });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('{"ok":true}');
      const answer = result.stderr.split('\n').filter((line) => line.startsWith('<'));
      expect(answer.slice(0, 4)).toEqual(['< HTTP/1.1 200 Fine Thanks', '< x-repeated: one', '< x-repeated: two', '< content-type: application/json']);
    } finally {
      await custom.close();
    }
  });

  it('-vv adds curl -w style timings', async () => {
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-vv'], rec.env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\* time_namelookup: +0\.\d{6} s\n\* time_connect: +\d\.\d{6} s\n\* time_appconnect: +0\.000000 s\n\* time_starttransfer: +\d\.\d{6} s\n\* time_total: +\d\.\d{6} s\n$/);
  });

});

describe('plain http', () => {
  it('refuses to send the token to a host that is not loopback', async () => {
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', 'http://api.example.com/x'], rec.env)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: refusing to send the token over plain http:// to api.example.com: use https://, or pass --allow-insecure-http\n',
    });
    const allowed = await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', 'http://api.example.com/x', '--allow-insecure-http', '--dry-run'], rec.env);
    expect(allowed.code).toBe(0);
  });

  it('warns that a token on the command line is visible to others', async () => {
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--bearer', TOKEN], rec.env);
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: 'oneoffice: warning: a token given with --bearer is visible to other local users (ps); prefer $ONEOFFICE_BEARER or "oneoffice config set bearer"\n' });
  });
});

describe('no output mode shows the token or a password', () => {
  const user = ['createUser', '--email', 'a@b.co', '--password', PASSWORD];
  const echo = (s: RecordingServer) =>
    s.respond((request, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'x-echo': String(request.headers['x-api-key']) });
      res.end(JSON.stringify('invalid token'));
    });
  // Each mode must really have run (its exit code and what it prints), or "no secret in the output" proves nothing.
  const modes: Array<[string, string[], (s: RecordingServer) => void, number, RegExp]> = [
    ['a normal call', user, () => undefined, 0, /^\{"ok":true\}\n/],
    ['-v', [...user, '-v'], () => undefined, 0, /\n> x-api-key: \*\*\*\*…c0de\n[^]*\n< HTTP\/1\.1 200 OK\n/],
    ['-vv', [...user, '-vv'], () => undefined, 0, /\n\* time_total: +\d\.\d{6} s\n$/],
    ['--dry-run', [...user, '--dry-run'], () => undefined, 0, /^GET \/api\/external HTTP\/1\.1\n[^]*"password":"\*\*\*\*…leak"/],
    ['--curl', [...user, '--curl'], () => undefined, 0, /^curl -X GET /],
    ['an HTTP error with -v and --debug', [...user, '-v', '--debug'], echo, 4, /\n< x-echo: \*\*\*\*\n[^]*\noneoffice: server answered 401 Unauthorized: invalid token\n[^]*HttpError/],
    ['a network error with --debug', [...user, '--debug', '--url', 'http://127.0.0.1:1/'], () => undefined, 6, /oneoffice: cannot connect to 127\.0\.0\.1:1: connection refused\n[^]*NetworkError/],
    ['a validation error with --debug', ['createUser', '--email', 'nope', '--password', PASSWORD, '--debug'], () => undefined, 2, /oneoffice: --email: must be an e-mail address \(got "nope"\)\n/],
    ['malformed --params holding the password', ['call', 'createUser', '--params', `{"password":"${PASSWORD}" "email":}`], () => undefined, 2, /oneoffice: --params: not valid JSON: /],
    ['--params that is not JSON at all', ['call', 'createUser', '--params', PASSWORD], () => undefined, 2, /oneoffice: --params: not valid JSON: /],
    ['--bearer on the command line, failing', [...user, '--bearer', TOKEN, '--url', 'http://api.example.com/', '--debug'], () => undefined, 2, /oneoffice: refusing to send the token over plain http:\/\/ to api\.example\.com/],
    ['--password swallowing a flag', ['createUser', '--email', 'a@b.co', '--password', `-${PASSWORD}`], () => undefined, 2, /--password: needs a value/],
    ['config list', ['config', 'list'], () => undefined, 0, /\nbearer=\*\*\*\*…c0de\n/],
    ['config get bearer', ['config', 'get', 'bearer'], () => undefined, 0, /^\*\*\*\*…c0de\n$/],
  ];
  it.each(modes)('%s', async (_name, args, setUp, code, shows) => {
    setUp(rec.server);
    writeConfig(rec.env, { profiles: { default: { bearer: TOKEN } } });
    const result = await runMain(args, rec.env);
    expect(result.code).toBe(code);
    expect(`${result.stdout}${result.stdout && result.stderr ? '\n' : ''}${result.stderr}`).toMatch(shows);
    for (const secret of [TOKEN, PASSWORD, TOKEN.slice(0, -4)]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });
});

// -v, --dry-run and --curl show exactly what is sent, and no output mode leaks a secret.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { jsonResponder, startRecordingServer, useRecordingServer, type RecordingServer } from '../helpers/server.js';
import { makeCertificate, startHttpsServer } from '../helpers/tls.js';

const TOKEN = 'visible-token-0123456789-c0de';
const PASSWORD = 'pa55-w0rd-that-must-not-leak';
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
  it.each(calls)('%s: curl sends what oneoffice sends', async (_name, args) => {
    const printed = await runCli([...args, '--curl'], { env: rec.env });
    expect(printed.code).toBe(0);
    expect(rec.server.received).toHaveLength(0);
    await sh('sh', ['-c', `${printed.stdout.trim()} -sS -o /dev/null`], { env: { PATH: process.env['PATH'], BEARER: TOKEN } });
    const sent = await runCli(args.filter((a) => a !== '--show-secrets'), { env: rec.env });
    expect(sent.code).toBe(0);
    const [fromCurl, fromUs] = rec.server.received;
    expect(fromCurl!.method).toBe(fromUs!.method);
    expect(fromCurl!.url).toBe(fromUs!.url);
    expect(fromCurl!.body).toBe(fromUs!.body);
    const significant = (headers: Array<[string, string]>) =>
      headers.filter(([name]) => !['connection', 'content-length'].includes(name.toLowerCase())).map(([name, value]) => [name.toLowerCase(), value]).sort();
    expect(significant(fromCurl!.rawHeaders)).toEqual(significant(fromUs!.rawHeaders));
    expect(fromCurl!.headers['content-length']).toBe(fromUs!.headers['content-length']);
  });

  it('needs no token, and warns when it masks a password', async () => {
    const result = await runCli(['createUser', '--email', 'a@b.co', '--password', PASSWORD, '--curl'], { env: isolatedEnv({ URL: rec.server.url }) });
    expect(result).toEqual({
      code: 0,
      stdout: `curl -X GET ${rec.server.url} --header "x-api-key: \${BEARER}" --header 'Content-Type: application/json' --header 'Accept: application/json' --header 'User-Agent: oneoffice/0.1.0' --data '{"method":"createUser","params":{"email":"a@b.co","password":"****…leak"}}'\n`,
      stderr: 'oneoffice: warning: secret params are masked in this command; add --show-secrets to print a command that sends them\n',
    });
  });
});

describe('--dry-run', () => {
  it('prints the request as it would be sent and opens no connection', async () => {
    const closed = await startRecordingServer();
    await closed.close();
    const result = await runCli(['createUser', '--email', 'test1@oneoffice.bh', '--password', PASSWORD, '--dry-run'], { env: { ...rec.env, ONEOFFICE_URL: closed.url } });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'GET /api/external HTTP/1.1', `host: 127.0.0.1:${closed.port}`, 'connection: keep-alive', 'x-api-key: ****…c0de', 'Content-Type: application/json',
        'Accept: application/json', 'User-Agent: oneoffice/0.1.0', 'content-length: 105', '', '{"method":"createUser","params":{"email":"test1@oneoffice.bh","password":"****…leak"}}', '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('headers and length match what a real call puts on the wire', async () => {
    const dry = await runCli(['createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly', '--dry-run', '--show-secrets'], { env: rec.env });
    await runCli(['createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly'], { env: rec.env });
    const received = rec.server.received[0]!;
    expect(dry.stdout).toBe(`GET /api/external HTTP/1.1\n${received.rawHeaders.map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${received.body}\n`);
  });

  it('invalid input fails as a real call does', async () => {
    expect(await runCli(['createUser', '--email', 'nope', '--dry-run'], { env: rec.env })).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --email: must be an e-mail address (got "nope")\n' });
  });
});

describe('-v', () => {
  it('shows the connection, every header sent and received, and the body', async () => {
    const result = await runCli(['createUser', '--email', 'test1@oneoffice.bh', '--password', PASSWORD, '-v'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"ok":true}');
    const received = rec.server.received[0]!;
    const lines = result.stderr.split('\n');
    expect(lines.slice(0, 2)).toEqual([`* Trying 127.0.0.1:${rec.server.port}...`, `* Connected to 127.0.0.1 (127.0.0.1) port ${rec.server.port}`]);
    const sent = lines.slice(2, 2 + 1 + received.rawHeaders.length + 1);
    expect(sent).toEqual([
      '> GET /api/external HTTP/1.1',
      ...received.rawHeaders.map(([n, v]) => `> ${n}: ${n === 'x-api-key' ? '****…c0de' : v}`),
      '>',
    ]);
    const rest = lines.slice(2 + sent.length).join('\n');
    expect(rest).toMatch(
      /^\{\n {2}"method": "createUser",\n {2}"params": \{\n {4}"email": "test1@oneoffice\.bh",\n {4}"password": "\*\*\*\*…leak"\n {2}\}\n\}\n< HTTP\/1\.1 200 OK\n< content-type: application\/json\n< date: .+\n< connection: keep-alive\n< keep-alive: timeout=5\n< transfer-encoding: chunked\n<\n\* Request completed in \d+ ms\n$/,
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
      const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '-v'], { env: { ...rec.env, ONEOFFICE_URL: custom.url } });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('{"ok":true}');
      const answer = result.stderr.split('\n').filter((line) => line.startsWith('<'));
      expect(answer.slice(0, 4)).toEqual(['< HTTP/1.1 200 Fine Thanks', '< x-repeated: one', '< x-repeated: two', '< content-type: application/json']);
    } finally {
      await custom.close();
    }
  });

  it('-vv adds curl -w style timings', async () => {
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '-vv'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\* time_namelookup: +0\.\d{6} s\n\* time_connect: +\d\.\d{6} s\n\* time_appconnect: +0\.000000 s\n\* time_starttransfer: +\d\.\d{6} s\n\* time_total: +\d\.\d{6} s\n$/);
  });

  it('shows TLS version, cipher and the certificate for https', async () => {
    const certificate = makeCertificate();
    const https = await startHttpsServer(certificate);
    try {
      const { port } = https;
      const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '-v'], { env: { ...rec.env, ONEOFFICE_URL: `https://127.0.0.1:${port}/`, NODE_EXTRA_CA_CERTS: certificate.certPath } });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(`^\\* Trying 127\\.0\\.0\\.1:${port}\\.\\.\\.\\n\\* Connected to 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1\\) port ${port}\\n\\* SSL connection using TLSv1\\.3 / TLS_\\w+\\n\\* Server certificate:\\n\\*  subject: CN=oneoffice-test, O=OneOffice Tests\\n\\*  issuer: CN=oneoffice-test, O=OneOffice Tests\\n\\*  expire date: \\w{3} +\\d+ [\\d:]+ \\d{4} GMT\\n> GET / HTTP/1\\.1\\n`),
      );
    } finally {
      https.close();
    }
  });
});

describe('plain http', () => {
  it('refuses to send the token to a host that is not loopback', async () => {
    expect(await runCli(['getUserByEmail', '--email', 'a@b.co', '--url', 'http://api.example.com/x'], { env: rec.env })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: refusing to send the token over plain http:// to api.example.com: use https://, or pass --allow-insecure-http\n',
    });
    const allowed = await runCli(['getUserByEmail', '--email', 'a@b.co', '--url', 'http://api.example.com/x', '--allow-insecure-http', '--dry-run'], { env: rec.env });
    expect(allowed.code).toBe(0);
  });

  it('warns that a token on the command line is visible to others', async () => {
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '--bearer', TOKEN], { env: rec.env });
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: 'oneoffice: warning: a token given with --bearer is visible to other local users (ps); prefer $ONEOFFICE_BEARER or "oneoffice config set bearer"\n' });
  });
});

describe('no output mode shows the token or a password', () => {
  const user = ['createUser', '--email', 'a@b.co', '--password', PASSWORD];
  const modes: Array<[string, string[], (s: RecordingServer) => void]> = [
    ['a normal call', user, () => undefined],
    ['-v', [...user, '-v'], () => undefined],
    ['-vv', [...user, '-vv'], () => undefined],
    ['--dry-run', [...user, '--dry-run'], () => undefined],
    ['--curl', [...user, '--curl'], () => undefined],
    ['an HTTP error with -v and --debug', [...user, '-v', '--debug'], (s) => s.respond(jsonResponder(401, 'invalid token'))],
    ['a network error with --debug', [...user, '--debug', '--url', 'http://127.0.0.1:1/'], () => undefined],
    ['a validation error with --debug', ['createUser', '--email', 'nope', '--password', PASSWORD, '--debug'], () => undefined],
    ['malformed --params holding the password', ['call', 'createUser', '--params', `{"password":"${PASSWORD}" "email":}`], () => undefined],
    ['--params that is not JSON at all', ['call', 'createUser', '--params', PASSWORD], () => undefined],
    ['--bearer on the command line, failing', [...user, '--bearer', TOKEN, '--url', 'http://api.example.com/', '--debug'], () => undefined],
    ['config list', ['config', 'list'], () => undefined],
    ['config get bearer', ['config', 'get', 'bearer'], () => undefined],
  ];
  it.each(modes)('%s', async (_name, args, setUp) => {
    setUp(rec.server);
    await runCli(['config', 'set', 'bearer'], { env: rec.env, input: TOKEN });
    const result = await runCli(args, { env: rec.env });
    for (const secret of [TOKEN, PASSWORD, TOKEN.slice(0, -4)]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });
});

// Every way a call can fail, run in-process through main(argv, deps), each against a real local
// server on 127.0.0.1 built to misbehave: the exit code, one line naming the host and the cause, and
// for retries the exact number of attempts. What only a process shows (each exit code through the
// built CLI, a large body streamed to a pipe, a real proxy) is in test/e2e/faults.test.ts.
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { inTurn, jsonResponder, refusedPort, useCleanups, useRecordingServer } from '../helpers/server.js';
import { makeCertificate, startHttpsServer, type TestCertificate } from '../helpers/tls.js';

const TOKEN = 'faults-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));
const { defer, rawServer } = useCleanups();

const HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partial":';

describe('answers that are not what they should be', () => {
  it('a port that does not speak HTTP: one line saying so, exit 6', async () => {
    const ssh = await rawServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.2\r\n')));
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', `http://127.0.0.1:${ssh.port}/`], rec.env);
    expect(result).toEqual({
      code: 6,
      stdout: '',
      stderr: `oneoffice: 127.0.0.1:${ssh.port} answered with something that is not HTTP/1.1 (HPE_INVALID_CONSTANT); is the URL's port an HTTP server?\n`,
    });
  });
  it("escape sequences in the server's words are shown, not obeyed", async () => {
    const body = '{"error":"bad \\u001b[31m red"}';
    const hostile = await rawServer((socket) =>
      socket.once('data', () => socket.end(`HTTP/1.1 404 \x1b[2J\x1b[31mhacked\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`)),
    );
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', `http://127.0.0.1:${hostile.port}/`, '-v'], rec.env);
    expect(result.code).toBe(4);
    expect(result.stderr).not.toContain('\x1b');
    expect(result.stderr).toContain('< HTTP/1.1 404 \\u001b[2J\\u001b[31mhacked\n');
    expect(result.stderr.endsWith('oneoffice: server answered 404 Not Found: bad \\u001b[31m red\n')).toBe(true);
  });
  it("escape sequences in the server's words are shown, not obeyed, in --debug's stack too", async () => {
    rec.server.respond(jsonResponder(400, 'bad \u001b]52;c;aGFja2Vk\u0007 \u001b[2J clipboard'));
    const result = await runMain(['createUser', '--email', 'a@b.co', '--debug'], rec.env);
    expect(result.code).toBe(4);
    expect(result.stderr).not.toContain('\x1b');
    expect(result.stderr).not.toContain('\x07');
    expect(result.stderr).toContain('HttpError: server answered 400 Bad Request: bad \\u001b]52;c;aGFja2Vk\\u0007 \\u001b[2J clipboard\n    at ');
  });
});

describe('connection faults', () => {
  it('a host name that does not resolve', async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', 'https://nonexistent.invalid/api'], rec.env);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/^oneoffice: cannot resolve host nonexistent\.invalid( \(temporary DNS failure\))?\n$/);
  });
  it('a TLS handshake that never completes: --connect-timeout, exit 7', async () => {
    const silent = await rawServer(() => undefined);
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', `https://127.0.0.1:${silent.port}/`, '--connect-timeout', '0.5'], rec.env);
    expect(result).toEqual({ code: 7, stdout: '', stderr: `oneoffice: cannot connect to 127.0.0.1:${silent.port}: connect timed out\n` });
  });
  it('a TLS server that resets the connection during the handshake: exit 6, not retried for a create', async () => {
    let connections = 0;
    const resetting = await rawServer((socket) => {
      connections++;
      socket.once('data', () => socket.resetAndDestroy());
    });
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', `https://127.0.0.1:${resetting.port}/`], rec.env);
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: connection to 127.0.0.1:${resetting.port} was reset\n` });
    expect(connections).toBe(1);
  });
  it('headers, then a stalled body: --max-time, exit 7', async () => {
    const stalled = await rawServer((socket) => socket.once('data', () => socket.write(HEAD)));
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', `http://127.0.0.1:${stalled.port}/`, '--max-time', '0.5'], rec.env);
    expect(result.code).toBe(7);
    expect(result.stderr).toBe(`oneoffice: no complete answer from 127.0.0.1:${stalled.port} within 0.5 s (--max-time)\n`);
  });
  it('a connection reset mid-body: exit 6', async () => {
    const resetting = await rawServer((socket) =>
      socket.once('data', () => {
        socket.write(HEAD);
        setTimeout(() => socket.resetAndDestroy(), 50);
      }),
    );
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', `http://127.0.0.1:${resetting.port}/`], rec.env);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(`oneoffice: connection to 127.0.0.1:${resetting.port} was reset\n`);
  });
  // A single call streams its answer as it comes, so nothing is sent again once an answer began (a batch reads it whole and does: test/unit/batch-sending.test.ts).
  it('a server that closes its side mid-body (a FIN, no reset), by content-length or chunked: exit 6, not sent again', async () => {
    const CHUNKED = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nb\r\n{"partial":\r\n';
    for (const head of [HEAD, CHUNKED]) {
      const closing = await rawServer((socket) => socket.once('data', () => socket.end(head)));
      const url = `http://127.0.0.1:${closing.port}/`;
      const create = await runMain(['createUser', '--email', 'a@b.co', '--url', url], rec.env);
      // What came before the cut is on stdout, as curl leaves it.
      expect(create).toEqual({ code: 6, stdout: '{"partial":', stderr: `oneoffice: connection to 127.0.0.1:${closing.port} was reset\n` });
      expect(closing.requests()).toBe(1);
      const read = await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', url, '--retry', '1', '--retry-delay', '0'], rec.env);
      expect(read.code).toBe(6);
      expect(closing.requests()).toBe(2);
    }
  });
  it('a read times out after the request was sent: retried for reads only', async () => {
    const silent = await rawServer(() => undefined);
    const url = `http://127.0.0.1:${silent.port}/`;
    // --max-time is long enough for each request to be written and read by the server (in this same
    // process) before it passes, even on a loaded machine: at 0.3 s the timer sometimes came first and
    // the count was one short.
    const read = await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', url, '--max-time', '2', '--retry', '1', '--retry-delay', '0.1'], rec.env);
    expect(read.code).toBe(7);
    expect(silent.requests()).toBe(2);
    const create = await runMain(['createUser', '--email', 'a@b.co', '--url', url, '--max-time', '2', '--retry', '1', '--retry-delay', '0.1'], rec.env);
    expect(create.code).toBe(7);
    expect(silent.requests()).toBe(3);
  });
});

describe('TLS', () => {
  async function httpsServer(certificate: TestCertificate): Promise<string> {
    const https = await startHttpsServer(certificate);
    defer(https.close);
    return https.url;
  }

  it('a self-signed certificate fails, works with --cacert, and with -k (warned)', async () => {
    const certificate = makeCertificate();
    const url = await httpsServer(certificate);
    const port = new URL(url).port;
    expect(await runMain(['createUser', '--email', 'a@b.co', '--url', url], rec.env)).toEqual({
      code: 6,
      stdout: '',
      stderr: `oneoffice: TLS: the certificate of 127.0.0.1:${port} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); if you trust it, pass --cacert <CA bundle> (or set NODE_EXTRA_CA_CERTS); -k skips the check (unsafe)\n`,
    });
    expect(await runMain(['createUser', '--email', 'a@b.co', '--url', url, '--cacert', certificate.certPath], rec.env)).toEqual({ code: 0, stdout: 'true', stderr: '' });
    expect(await runMain(['createUser', '--email', 'a@b.co', '--url', url, '-k'], rec.env)).toEqual({
      code: 0,
      stdout: 'true',
      stderr: 'oneoffice: warning: -k/--insecure: the server certificate is not checked\n',
    });
    const curl = await runMain(['createUser', '--email', 'a@b.co', '--url', url, '--cacert', certificate.certPath, '-k', '--curl'], rec.env);
    expect(curl.stdout).toContain(` --cacert ${certificate.certPath} -k --data `);
  });
  it('a certificate for another host name fails', async () => {
    const certificate = makeCertificate('other.example', 'DNS:other.example');
    const url = await httpsServer(certificate);
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', url, '--cacert', certificate.certPath], rec.env);
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: TLS: the certificate of 127.0.0.1:${new URL(url).port} is not valid for 127.0.0.1\n` });
  });
  it('an unreadable --cacert is a usage error', async () => {
    expect(await runMain(['createUser', '--email', 'a@b.co', '--cacert', '/nonexistent.pem'], rec.env)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: --cacert: cannot read /nonexistent.pem: ENOENT\n',
    });
  });
});

describe('retries', () => {
  it('429 and 503 with Retry-After are retried, then the success is printed', async () => {
    rec.server.respond(inTurn(jsonResponder(429, 'slow down', { 'retry-after': '0' }), jsonResponder(503, 'maintenance', { 'retry-after': '0' }), jsonResponder(200, { id: 7 })));
    const result = await runMain(['createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly', '--retry', '2'], rec.env);
    expect(result).toEqual({
      code: 0,
      stdout: '{"id":7}',
      stderr: 'oneoffice: retrying in 0.0 s (429 Too Many Requests), 1 left\noneoffice: retrying in 0.0 s (503 Service Unavailable), 0 left\n',
    });
    expect(rec.server.received).toHaveLength(3);
  });
  it('-v shows every attempt: its connection, its request and the head of its answer', async () => {
    rec.server.respond(inTurn(jsonResponder(503, 'maintenance', { 'retry-after': '0' }), jsonResponder(200, { id: 7 })));
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--retry', '1', '-v'], rec.env);
    expect(result.code).toBe(0);
    const shown = result.stderr.split('\n').filter((line) => /^(\* Trying|> GET|< HTTP|oneoffice: retrying)/.test(line));
    expect(shown).toEqual([
      `* Trying 127.0.0.1:${rec.server.port}...`, '> GET /api/external HTTP/1.1', '< HTTP/1.1 503 Service Unavailable',
      'oneoffice: retrying in 0.0 s (503 Service Unavailable), 0 left',
      `* Trying 127.0.0.1:${rec.server.port}...`, '> GET /api/external HTTP/1.1', '< HTTP/1.1 200 OK',
    ]);
  });
  it('a 500 on a read is retried twice by default; only the last body reaches stdout', async () => {
    rec.server.respond((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(`attempt ${rec.server.received.length}`));
    });
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--retry-delay', '0.1'], rec.env);
    expect(result).toEqual({
      code: 5,
      stdout: '"attempt 3"',
      stderr: 'oneoffice: retrying in 0.1 s (500 Internal Server Error), 1 left\noneoffice: retrying in 0.1 s (500 Internal Server Error), 0 left\noneoffice: server answered 500 Internal Server Error: attempt 3\n',
    });
    expect(rec.server.received).toHaveLength(3);
  });
  it('--retry-max-time stops retrying', async () => {
    rec.server.respond(jsonResponder(503, 'busy', { 'retry-after': '5' }));
    const result = await runMain(['createUser', '--email', 'a@b.co', '--retry', '5', '--retry-max-time', '1'], rec.env);
    expect(result.code).toBe(5);
    expect(rec.server.received).toHaveLength(1);
  });
});

describe('proxies', () => {
  it('a proxy that refuses the connection', async () => {
    const port = await refusedPort();
    const result = await runMain(['createUser', '--email', 'a@b.co', '--proxy', `http://127.0.0.1:${port}`], rec.env);
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: cannot connect to proxy 127.0.0.1:${port}: connection refused\n` });
    expect(rec.server.received).toHaveLength(0);
  });
});

// Where the token may go and how the network's refusals read (issue 13): the plain-http rule for
// every hop (the proxy too), look-alike loopback names, a Retry-After too long to wait for, and
// TLS failures in words rather than OpenSSL codes. Real servers on loopback addresses throughout.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { jsonResponder, useCleanups, useRecordingServer } from '../helpers/server.js';
import { makeCertificate } from '../helpers/tls.js';

const TOKEN = 'harden-network-token-0123456789';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));
const { defer } = useCleanups();

/** A server on `host` answering {"host": <Host header>}, or undefined when the address is not available here. */
async function serverOn(host: string, server: Server = createHttpServer()): Promise<number | undefined> {
  server.on('request', (req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ host: req.headers.host, token: req.headers['x-api-key'] === TOKEN })));
  });
  const port = await new Promise<number | undefined>((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
  defer(() => {
    server.closeAllConnections();
    server.close();
  });
  return port;
}

const call = ['getUserByEmail', '--email', 'a@b.co'];

describe('plain http: every hop that sees the token (item 11)', () => {
  const proxyRefusal = (host: string) =>
    `oneoffice: refusing to send the token over plain http:// through the proxy ${host}, which would see it: use an https:// URL (the proxy then only tunnels), a loopback proxy, or pass --allow-insecure-http\n`;

  it('a plain-http proxy that is not loopback is refused, even for a loopback URL (exit 2, nothing sent)', async () => {
    expect(await runCli([...call, '--proxy', 'http://proxy.example.invalid:3128'], { env: rec.env })).toEqual({ code: 2, stdout: '', stderr: proxyRefusal('proxy.example.invalid') });
    expect(await runCli(call, { env: { ...rec.env, HTTP_PROXY: 'http://10.11.12.13:3128' } })).toEqual({ code: 2, stdout: '', stderr: proxyRefusal('10.11.12.13') });
    expect(rec.server.received).toHaveLength(0);
  });

  it('an https URL through that proxy is a tunnel the proxy cannot read: allowed', async () => {
    const result = await runCli([...call, '--url', 'https://api.example.com/x', '--proxy', 'http://proxy.example.invalid:3128', '--dry-run'], { env: rec.env });
    expect(result.code).toBe(0);
  });

  it('--allow-insecure-http allows it', async () => {
    const result = await runCli([...call, '--proxy', 'http://proxy.example.invalid:3128', '--allow-insecure-http', '--dry-run'], { env: rec.env });
    expect(result.code).toBe(0);
  });

  it('a loopback proxy is used, and [::ffff:127.0.0.1] counts as loopback (the same address)', async (context) => {
    // The recording server plays the proxy: it receives the request in absolute form.
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]']) {
      rec.server.received.length = 0;
      const result = await runCli([...call, '--url', 'http://127.0.0.1:9/api', '--proxy', `http://${host}:${rec.server.port}`], { env: rec.env });
      if (host !== '127.0.0.1' && result.code === 6) {
        context.skip(); // no IPv6 on this machine
        return;
      }
      expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: '' });
      expect(rec.server.received[0]!.url).toBe('http://127.0.0.1:9/api');
      expect(rec.server.received[0]!.headers['x-api-key']).toBe(TOKEN);
    }
  });

  it('--url http://[::ffff:127.0.0.1]:port/ is loopback too', async () => {
    const result = await runCli([...call, '--url', `http://[::ffff:127.0.0.1]:${rec.server.port}/api`, '--dry-run'], { env: rec.env });
    expect(result.code).toBe(0);
  });
});

describe('look-alike loopback names (item 25)', () => {
  it.each(['127.evil.example', 'localhost.evil.com', '127.0.0.1.nip.io', 'localhost-evil.com'])('http://%s is refused (exit 2, nothing sent)', async (host) => {
    expect(await runCli([...call, '--url', `http://${host}/api`], { env: rec.env })).toEqual({
      code: 2,
      stdout: '',
      stderr: `oneoffice: refusing to send the token over plain http:// to ${host}: use https://, or pass --allow-insecure-http\n`,
    });
  });

  it('http://127.0.0.2 is loopback: the call is made', async () => {
    const port = await serverOn('127.0.0.2');
    expect(port).toBeDefined();
    expect(await runCli([...call, '--url', `http://127.0.0.2:${port}/`], { env: rec.env })).toEqual({ code: 0, stdout: JSON.stringify({ host: `127.0.0.2:${port}`, token: true }), stderr: '' });
  });

  it('http://[::1] is loopback: the call is made', async (context) => {
    const port = await serverOn('::1');
    if (port === undefined) {
      context.skip(); // no IPv6 loopback on this machine
      return;
    }
    expect(await runCli([...call, '--url', `http://[::1]:${port}/`], { env: rec.env })).toEqual({ code: 0, stdout: JSON.stringify({ host: `[::1]:${port}`, token: true }), stderr: '' });
  });
});

describe('a Retry-After too long to wait for (item 17)', () => {
  it('without --retry-max-time: beyond 600 s ends the retries with a clear message, one attempt', async () => {
    rec.server.respond(jsonResponder(503, 'busy', { 'retry-after': '99999999' }));
    expect(await runCli(['createUser', '--email', 'a@b.co', '--retry', '2'], { env: rec.env })).toEqual({
      code: 5,
      stdout: '"busy"',
      stderr:
        'oneoffice: not retrying (503 Service Unavailable): the server asks to wait 99999999 s (Retry-After), longer than the 600 s oneoffice waits at most without --retry-max-time\n' +
        'oneoffice: server answered 503 Service Unavailable: busy\n',
    });
    expect(rec.server.received).toHaveLength(1);
  });

  it('beyond --retry-max-time: the same, naming it', async () => {
    rec.server.respond(jsonResponder(429, 'slow down', { 'retry-after': '120' }));
    expect(await runCli(['createUser', '--email', 'a@b.co', '--retry', '2', '--retry-max-time', '60'], { env: rec.env })).toEqual({
      code: 4,
      stdout: '"slow down"',
      stderr:
        'oneoffice: not retrying (429 Too Many Requests): the server asks to wait 120 s (Retry-After), longer than --retry-max-time (60 s)\n' +
        'oneoffice: server answered 429 Too Many Requests: slow down\n',
    });
    expect(rec.server.received).toHaveLength(1);
  });

  it('in a batch: the line fails after one attempt, with the reason on stderr', async () => {
    rec.server.respond(jsonResponder(503, 'busy', { 'retry-after': '99999999' }));
    const result = await runCli(['batch', '-', '--retry', '2'], { env: rec.env, input: '{"method":"createUser","params":{"email":"a@b.co"}}\n' });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('oneoffice: warning: line 1: not retrying (503 Service Unavailable): the server asks to wait 99999999 s (Retry-After)');
    expect(rec.server.received).toHaveLength(1);
  });
});

describe('TLS failures in one line (item 22)', () => {
  it('https:// to a plain-http port says so (exit 6)', async () => {
    expect(await runCli([...call, '--url', `https://127.0.0.1:${rec.server.port}/api`], { env: { ...rec.env } })).toEqual({
      code: 6,
      stdout: '',
      stderr: `oneoffice: TLS: 127.0.0.1:${rec.server.port} did not answer in TLS: is it a plain http:// port? (use http://, or the port that serves https://)\n`,
    });
  });

  it('the same through a batch (undici)', async () => {
    const result = await runCli(['batch', '-', '--url', `https://127.0.0.1:${rec.server.port}/api`], { env: rec.env, input: '{"method":"createUser","params":{"email":"a@b.co"}}\n' });
    expect(result.code).toBe(6);
    expect(JSON.parse(result.stdout)).toMatchObject({ code: 'E_TLS_NOT_TLS', error: `TLS: 127.0.0.1:${rec.server.port} did not answer in TLS: is it a plain http:// port? (use http://, or the port that serves https://)` });
  });

  it('a server that asks for a client certificate says so, and how to give one (exit 6)', async () => {
    const certificate = makeCertificate();
    const port = await serverOn('127.0.0.1', createHttpsServer({ cert: certificate.cert, key: certificate.key, requestCert: true, rejectUnauthorized: true }) as unknown as Server);
    expect(await runCli([...call, '--url', `https://127.0.0.1:${port}/`, '--cacert', certificate.certPath], { env: rec.env })).toEqual({
      code: 6,
      stdout: '',
      stderr: `oneoffice: TLS: 127.0.0.1:${port} requires a client certificate; give one with --cert <file> (and --key <file>)\n`,
    });
  });

  it('the same through a batch (undici, where the alert arrives after the request was written)', async () => {
    const certificate = makeCertificate();
    const port = await serverOn('127.0.0.1', createHttpsServer({ cert: certificate.cert, key: certificate.key, requestCert: true, rejectUnauthorized: true }) as unknown as Server);
    const input = '{"method":"getUserByEmail","params":{"email":"a@b.co"}}\n';
    const result = await runCli(['batch', '-', '--url', `https://127.0.0.1:${port}/`, '--cacert', certificate.certPath], { env: rec.env, input });
    expect(result.code).toBe(6);
    expect(JSON.parse(result.stdout)).toMatchObject({ code: 'E_TLS_CLIENT_CERT', error: `TLS: 127.0.0.1:${port} requires a client certificate; give one with --cert <file> (and --key <file>)` });
  });
});

// Every way a call can fail, each against a real local server built to misbehave: the exit code,
// one line naming the host and the cause, and for retries the exact number of attempts. Here the
// built CLI shows each exit code (4, 5, 6, 7) as a process, streams a large body to a pipe and goes
// through a real proxy; the other failures run in-process: test/unit/call-faults.test.ts.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli.js';
import { jsonResponder, refusedPort, useCleanups, useRecordingServer } from '../helpers/server.js';
import { startTinyproxy, tinyproxyAvailable, type Proxy } from '../helpers/tinyproxy.js';
import { makeCertificate, startHttpsServer } from '../helpers/tls.js';

const TOKEN = 'faults-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));
const { defer, rawServer } = useCleanups();

describe('answers that are not what they should be', () => {
  it('an empty reason phrase: the message names the status as usual', async () => {
    const terse = await rawServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 404 \r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{"error":"x"}')));
    const result = await runCli(['createUser', '--email', 'a@b.co', '--url', `http://127.0.0.1:${terse.port}/`], { env: rec.env });
    expect(result).toEqual({ code: 4, stdout: '{"error":"x"}', stderr: 'oneoffice: server answered 404 Not Found: x\n' });
  });
});

describe('connection faults', () => {
  it('connection refused, retried when asked (the request was never written)', async () => {
    const port = await refusedPort();
    const result = await runCli(['createUser', '--email', 'a@b.co', '--retry', '2', '--retry-delay', '0.1'], { env: { ...rec.env, ONEOFFICE_URL: `http://127.0.0.1:${port}/` } });
    const refused = `cannot connect to 127.0.0.1:${port}: connection refused`;
    expect(result).toEqual({
      code: 6,
      stdout: '',
      stderr: `oneoffice: retrying in 0.1 s (${refused}), 1 left\noneoffice: retrying in 0.1 s (${refused}), 0 left\noneoffice: ${refused}\n`,
    });
  });

  it('a server that accepts and never answers: --max-time, exit 7', async () => {
    const silent = await rawServer(() => undefined);
    const result = await runCli(['createUser', '--email', 'a@b.co', '--url', `http://127.0.0.1:${silent.port}/`, '--max-time', '0.5'], { env: rec.env });
    expect(result).toEqual({ code: 7, stdout: '', stderr: `oneoffice: no complete answer from 127.0.0.1:${silent.port} within 0.5 s (--max-time)\n` });
    expect(silent.requests()).toBe(1);
  });
});

describe('large answers', () => {
  it('a 10 MB body is streamed to stdout, not buffered whole', async () => {
    const half = Buffer.alloc(5 * 1024 * 1024, 'a');
    let releaseSecondHalf: () => void = () => undefined;
    const secondHalf = new Promise<void>((resolve) => (releaseSecondHalf = resolve));
    rec.server.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(half.length * 2 + 2) });
      res.write('"');
      res.write(half);
      // The rest is sent only once the client has printed part of the first half.
      void secondHalf.then(() => res.end(Buffer.concat([half, Buffer.from('"')])));
    });
    const child = spawn(process.execPath, [BIN, 'getUserByEmail', '--email', 'a@b.co'], { env: rec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let received = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > 1024 * 1024) releaseSecondHalf();
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(received).toBe(half.length * 2 + 2);
  });
});

describe('retries', () => {
  it('a 500 on a create method is not retried', async () => {
    rec.server.respond(jsonResponder(500, 'boom'));
    const result = await runCli(['createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly', '--retry', '3'], { env: rec.env });
    expect(result).toEqual({ code: 5, stdout: '"boom"', stderr: 'oneoffice: server answered 500 Internal Server Error: boom\n' });
    expect(rec.server.received).toHaveLength(1);
  });
});

describe('proxies', () => {

  const withTinyproxy = tinyproxyAvailable() ? describe : describe.skip;
  if (!tinyproxyAvailable()) console.warn('SKIPPED: tinyproxy is not installed; the real-proxy tests did not run (apt-get install tinyproxy)');
  withTinyproxy('through tinyproxy', () => {
    let proxy: Proxy;
    beforeAll(async () => {
      proxy = await startTinyproxy();
    });
    afterAll(() => proxy.stop());

    it.each([
      ['HTTP_PROXY', (p: Proxy) => ({ HTTP_PROXY: p.url }), [] as string[]],
      ['http_proxy', (p: Proxy) => ({ http_proxy: p.url }), [] as string[]],
      ['--proxy', () => ({}), ['--proxy']],
    ])('via %s', async (_name, proxyEnv, flag) => {
      const args = ['createUser', '--email', 'a@b.co', ...(flag.length ? ['--proxy', proxy.url] : [])];
      const result = await runCli(args, { env: { ...rec.env, ...proxyEnv(proxy) } });
      expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: '' });
      expect(rec.server.received).toHaveLength(1);
      expect(rec.server.received[0]!.headers['via']).toMatch(/tinyproxy/);
      expect(rec.server.received[0]!.body).toBe('{"method":"createUser","params":{"email":"a@b.co"}}');
      expect(rec.server.received[0]!.headers['x-api-key']).toBe(TOKEN);
    });

    it('NO_PROXY bypasses it', async () => {
      const result = await runCli(['createUser', '--email', 'a@b.co'], { env: { ...rec.env, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
      expect(result.code).toBe(0);
      expect(rec.server.received[0]!.headers['via']).toBeUndefined();
    });

    it('https through a CONNECT tunnel, with the proxy named and its password masked by -v', async () => {
      const certificate = makeCertificate();
      const https = await startHttpsServer(certificate);
      defer(https.close);
      const url = https.url;
      const proxyWithPassword = proxy.url.replace('http://', 'http://user:proxy-secret-pw@');
      const result = await runCli(['createUser', '--email', 'a@b.co', '--url', url, '--cacert', certificate.certPath, '-v'], { env: { ...rec.env, HTTPS_PROXY: proxyWithPassword } });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('true');
      expect(result.stderr.split('\n')[2]).toBe(`* Using proxy http://user:****@127.0.0.1:${proxy.port}/`);
      expect(result.stderr).not.toContain('proxy-secret-pw');
    });
  });
});

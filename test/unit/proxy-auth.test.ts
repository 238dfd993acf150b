// A proxy that wants a password it did not get (407 Proxy Authentication Required): a call it would
// forward (plain http://) and a CONNECT tunnel (https://) end in one line naming the proxy by host
// and port, never its password, with exit 6, from single calls, batch and the library alike. A real
// proxy on 127.0.0.1 (node:http) answers 407 to everything; the API server behind it gets nothing.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useCleanups, useRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { createClient } from '../../src/index.js';

const TOKEN = 'proxy-auth-token-0123456789-c0de';
const PASSWORD = 'proxy-pw-that-must-not-show';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));
const cleanups = useCleanups();
const user = ['getUserByEmail', '--email', 'a@b.co'];

interface AskingProxy {
  /** host:port */
  where: string;
  url(credentials?: string): string;
  /** What reached it: the request line's method and target, and its Proxy-Authorization. */
  received: Array<{ method: string; target: string; auth: IncomingHttpHeaders['proxy-authorization'] }>;
}

/** A proxy that answers every call and every CONNECT with 407, as one wanting other credentials does. */
async function askingProxy(): Promise<AskingProxy> {
  const received: AskingProxy['received'] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? '', target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    res.writeHead(407, { 'proxy-authenticate': 'Basic realm="corp"', 'content-type': 'text/html' });
    res.end('<h1>407 Proxy Authentication Required</h1>');
  });
  server.on('connect', (req, socket) => {
    received.push({ method: req.method ?? '', target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.defer(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  const where = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { where, url: (credentials) => `http://${credentials ? `${credentials}@` : ''}${where}`, received };
}

const refused = (where: string) => `oneoffice: proxy ${where} answered 407 Proxy Authentication Required: it refused the user name and password of the proxy URL\n`;
const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;

describe('a proxy answering 407 Proxy Authentication Required', () => {
  it('to a plain-http call it forwards: one line naming the proxy, not its password; exit 6; the API gets nothing', async () => {
    const proxy = await askingProxy();
    const result = await runMain([...user, '--proxy', proxy.url(`alice:${PASSWORD}`)], rec.env);
    expect(result).toEqual({ code: 6, stdout: '', stderr: refused(proxy.where) });
    expect(proxy.received).toEqual([{ method: 'GET', target: rec.server.url, auth: basic }]);
    expect(rec.server.received).toHaveLength(0);
  });

  it('without credentials in the proxy URL: says to put them there', async () => {
    const proxy = await askingProxy();
    expect(await runMain(user, { ...rec.env, HTTP_PROXY: proxy.url() })).toEqual({
      code: 6,
      stdout: '',
      stderr: `oneoffice: proxy ${proxy.where} answered 407 Proxy Authentication Required: it wants a user name and password: put them in the proxy URL (http://user:password@host:port)\n`,
    });
    expect(proxy.received).toEqual([{ method: 'GET', target: rec.server.url, auth: undefined }]);
  });

  it('to an https CONNECT: the same line and exit code', async () => {
    const proxy = await askingProxy();
    const result = await runMain([...user, '--url', 'https://127.0.0.1:9/api', '--proxy', proxy.url(`alice:${PASSWORD}`)], rec.env);
    expect(result).toEqual({ code: 6, stdout: '', stderr: refused(proxy.where) });
    expect(proxy.received).toEqual([{ method: 'CONNECT', target: '127.0.0.1:9', auth: basic }]);
  });

  it('in a batch: each record says so with code E_PROXY_AUTH, and the batch exits 6', async () => {
    const proxy = await askingProxy();
    const results = join(tempDir('proxy-auth'), 'results.ndjson');
    const line = '{"method":"getUserByEmail","params":{"email":"a@b.co"}}\n';
    const result = await runMain(['batch', '-', '--results', results, '--proxy', proxy.url(`alice:${PASSWORD}`)], rec.env, { input: line.repeat(2) });
    expect(result.code).toBe(6);
    expect(result.stderr).not.toContain(PASSWORD);
    const records = readFileSync(results, 'utf8').trim().split('\n').map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(records.map(({ code, error }) => ({ code, error }))).toEqual(Array(2).fill({ code: 'E_PROXY_AUTH', error: refused(proxy.where).slice('oneoffice: '.length, -1) }));
    expect(rec.server.received).toHaveLength(0);
  });

  it('from the library client: an error with code E_PROXY_AUTH and exit code 6, for http and https URLs', async () => {
    const proxy = await askingProxy();
    for (const url of [rec.server.url, 'https://127.0.0.1:9/api']) {
      const client = createClient({ url, token: TOKEN, proxy: proxy.url(`alice:${PASSWORD}`), env: {} });
      try {
        await expect(client.getUserByEmail({ email: 'a@b.co' })).rejects.toMatchObject({ code: 'E_PROXY_AUTH', exitCode: 6, message: refused(proxy.where).slice('oneoffice: '.length, -1) });
      } finally {
        await client.close();
      }
    }
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('a proxy that closes the connection instead of answering CONNECT', () => {
  // In a process of its own: before, the call reconnected for ever at full CPU, and no timer ran.
  it('ends the call (a single one and a batch) with one line naming the proxy: exit 6', async () => {
    const proxy = await cleanups.rawServer((socket) => socket.once('data', () => socket.destroy()));
    const through = ['--url', 'https://127.0.0.1:9/api', '--proxy', `http://127.0.0.1:${proxy.port}`, '--retry', '0'];
    expect(await runCli([...user, ...through], { env: rec.env })).toEqual({ code: 6, stdout: '', stderr: `oneoffice: connection to proxy 127.0.0.1:${proxy.port} was reset\n` });
    const results = join(tempDir('proxy-closes'), 'results.ndjson');
    const batch = await runCli(['batch', '-', '--results', results, ...through], { env: rec.env, input: '{"method":"getUserByEmail","params":{"email":"a@b.co"}}\n' });
    expect(batch.code).toBe(6);
    expect((JSON.parse(readFileSync(results, 'utf8')) as { error: string }).error).toBe(`connection to proxy 127.0.0.1:${proxy.port} was reset`);
  });

  it('a plain-http call it forwards: the reset is named as the proxy\'s, whose is the only connection (it named the API server)', async () => {
    const proxy = await cleanups.rawServer((socket) => socket.once('data', () => socket.destroy()));
    const result = await runMain([...user, '--proxy', `http://127.0.0.1:${proxy.port}`, '--retry', '0'], rec.env);
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: connection to proxy 127.0.0.1:${proxy.port} was reset\n` });
    expect(rec.server.received).toHaveLength(0);
  });
});

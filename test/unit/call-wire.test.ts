// What a single call makes of each form an HTTP/1.1 answer may take, on its own connection read by
// Node's parser (http/socket-call.ts): what node:http made of it, against raw TCP servers on
// 127.0.0.1 that write their answers by hand; and, on a Node that hands out no parser, the same call
// through node:http (the built CLI, its require made to find no `_http_common`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { inPieces, requestsOf } from '../helpers/raw-answers.js';
import { jsonResponder, startRecordingServer, useCleanups } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import type { CallRequest } from '../../src/api/request.js';
import { nodeHttpParser } from '../../src/http/parsed-connection.js';
import { sendOnSocket, socketTransport } from '../../src/http/socket-call.js';
import { NO_HTTP_COMMON } from '../helpers/no-http-common.js';

const { rawServer } = useCleanups();
const TOKEN = 'wire-token-0123456789abcdef';
const USER_JSON = JSON.stringify({ id: 7, instance: 1, email: 'a@example.com', displayName: 'A', isActive: true, isAdmin: false, profile: {} });
const LOOKUP = ['getUserByEmail', '--email', 'a@example.com'];
const envFor = (port: number) => isolatedEnv({ ONEOFFICE_URL: `http://127.0.0.1:${port}/`, ONEOFFICE_BEARER: TOKEN });
const many = Array.from({ length: 40 }, (_, i) => `x-h${i}: ${i}\r\n`).join('');
const chunked = (body: string) => [`${(body.length - 5).toString(16)}\r\n${body.slice(0, -5)}\r\n`, `5\r\n${body.slice(-5)}\r\n`, '0\r\n\r\n'];

describe('the answer of a single call, in each form HTTP/1.1 allows', () => {
  it.each<[string, (socket: Socket) => void]>([
    ['chunked, in pieces', (to) => inPieces(to, ['HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n', ...chunked(USER_JSON)])],
    ['after interim 100 and 103 answers', (to) => inPieces(to, ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n', `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${USER_JSON.length}\r\n\r\n${USER_JSON}`])],
    ['a long head read in parts', (to) => inPieces(to, [`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n${many}`, `content-length: ${USER_JSON.length}\r\n\r\n`, USER_JSON])],
    ['HTTP/1.0, its body running to the close', (to) => to.end(`HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n${USER_JSON}`)],
    ['with connection: close, the server closing after it', (to) => to.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${USER_JSON.length}\r\n\r\n${USER_JSON}`)],
    ['every byte in a packet of its own', (to) => inPieces(to, [...`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${USER_JSON.length}\r\n\r\n${USER_JSON}`])],
    ['chunked, with chunk extensions and trailers', (to) => inPieces(to, ['HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\ntrailer: x-sum\r\n\r\n', `${(USER_JSON.length - 5).toString(16)};name=value\r\n${USER_JSON.slice(0, -5)}\r\n`, `5;quoted="a b"\r\n${USER_JSON.slice(-5)}\r\n`, '0\r\nx-sum: 1\r\n\r\n'])],
    ['with more bytes than its content-length, the server closing after them', (to) => to.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${USER_JSON.length}\r\n\r\n${USER_JSON}EXTRA`)],
  ])('%s: the body on stdout, exit 0', async (_form, answer) => {
    const server = await rawServer(requestsOf(answer));
    expect(await runMain(LOOKUP, envFor(server.port))).toEqual({ code: 0, stdout: USER_JSON, stderr: '' });
  });

  it('an HTTP/1.0 keep-alive answer, its body running to a close that never comes, times out at --max-time, exit 7 (node:http took its own cut for the end: exit 0)', async () => {
    const server = await rawServer(requestsOf((to) => to.write(`HTTP/1.0 200 OK\r\ncontent-type: application/json\r\nconnection: keep-alive\r\n\r\n${USER_JSON}`)));
    const result = await runMain([...LOOKUP, '--max-time', '1', '--retry', '0'], envFor(server.port));
    expect(result).toEqual({ code: 7, stdout: USER_JSON, stderr: `oneoffice: no complete answer from 127.0.0.1:${server.port} within 1 s (--max-time)\n` });
  });

  it('a 101 switch of protocol nobody asked for fails the call at once, exit 6 (node:http waited for --max-time)', async () => {
    const server = await rawServer(requestsOf((to) => to.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n')));
    const result = await runMain([...LOOKUP, '--retry', '0'], envFor(server.port));
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: connection to 127.0.0.1:${server.port} was reset\n` });
  });

  it("-v shows the answer's HTTP version, the server's reason phrase and every header in the order sent; -w the answer's HTTP version", async () => {
    const server = await rawServer(requestsOf((to) => to.end(`HTTP/1.0 200 Fine Thanks\r\ncontent-type: application/json\r\nx-b: 2\r\nx-a: 1\r\n\r\n${USER_JSON}`)));
    const result = await runMain([...LOOKUP, '-v', '-w', '%{http_version} %{http_code}\\n'], envFor(server.port));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${USER_JSON}1.0 200\n`);
    expect(result.stderr).toContain('< HTTP/1.0 200 Fine Thanks\n< content-type: application/json\n< x-b: 2\n< x-a: 1\n<\n');
  });

  it('-v shows each header name as the server wrote it (Date, X-MiXed, lower case kept), in the order sent, repeats where they came, as curl -v does; -w and lookups still find them in any case', async () => {
    const head = `HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 18:00:00 GMT\r\nX-Rep: one\r\nContent-Type: application/json\r\nX-MiXed-CASE: 1\r\nx-rep: two\r\nserver: lower\r\nContent-Length: ${USER_JSON.length}\r\n\r\n`;
    const server = await rawServer(requestsOf((to) => to.write(`${head}${USER_JSON}`)));
    const shown = ['< HTTP/1.1 200 OK', '< Date: Mon, 07 Dec 2026 18:00:00 GMT', '< X-Rep: one', '< Content-Type: application/json', '< X-MiXed-CASE: 1', '< x-rep: two', '< server: lower', `< Content-Length: ${USER_JSON.length}`, '<'];
    const result = await runMain([...LOOKUP, '-v', '-w', '%{content_type} %header{x-mixed-case} %header{X-REP}\\n'], envFor(server.port));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${USER_JSON}application/json 1 one\n`);
    expect(result.stderr).toContain(`\n${shown.join('\n')}\n`);
    // The same through node:http, on a Node that hands out no parser.
    const dir = tempDir('no-parser');
    const preload = join(dir, 'no-http-common.cjs');
    writeFileSync(preload, NO_HTTP_COMMON);
    const env = { ...envFor(server.port), NODE_OPTIONS: `--require ${preload}`, COUNT_FILE: join(dir, 'requests') };
    const fallback = await runCli([...LOOKUP, '-v'], { env });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toContain(`\n${shown.join('\n')}\n`);
    expect(readFileSync(join(dir, 'requests'), 'utf8')).toBe('1 requests, _http_common refused');
    // The same through a proxy (undici): the raw server plays the proxy of a plain http:// call.
    const proxied = await runMain([...LOOKUP, '-v'], { ...envFor(server.port), ONEOFFICE_URL: 'http://127.0.0.1:9/', HTTP_PROXY: `http://127.0.0.1:${server.port}` });
    expect(proxied.code).toBe(0);
    expect(proxied.stderr).toContain(`\n${shown.join('\n')}\n`);
  });

  it('over 1000 header lines: the first 1000 are kept (node:http\'s limit), the call succeeds', async () => {
    // Short lines: node:http's 16 KiB limit counts the bytes of names and values.
    const lines = Array.from({ length: 2500 }, (_, i) => `h${i}: ${i % 10}\r\n`).join('');
    const server = await rawServer(requestsOf((to) => to.write(`HTTP/1.1 200 OK\r\n${lines}content-type: application/json\r\ncontent-length: ${USER_JSON.length}\r\n\r\n${USER_JSON}`)));
    const result = await runMain([...LOOKUP, '-w', '%{num_headers} %header{h999} [%header{h1000}]\\n'], envFor(server.port));
    expect(result).toEqual({ code: 0, stdout: `${USER_JSON}1000 9 []\n`, stderr: '' });
  });

  it('a 404 is named by its standard words, whatever the server calls it', async () => {
    const body = '{"error":"no such user"}';
    const server = await rawServer(requestsOf((to) => to.write(`HTTP/1.1 404 Nobody Here\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`)));
    const result = await runMain(LOOKUP, envFor(server.port));
    expect(result.stderr).toBe('oneoffice: server answered 404 Not Found: no such user\n');
    expect(result.code).toBe(4);
  });
});

function lookupCall(port: number): CallRequest {
  const body = '{"method":"getUserByEmail","params":{"email":"a@example.com"}}';
  const url = new URL(`http://127.0.0.1:${port}/`);
  return { httpMethod: 'GET', url, headers: [['host', url.host], ['content-length', String(body.length)]], body, apiMethod: 'getUserByEmail', params: {}, secretPaths: [] };
}

function parsers() {
  const found = nodeHttpParser();
  if (!found) throw new Error('this Node hands out no parser');
  return found;
}

describe('the body of a single call, as a stream', () => {
  it('a read whose 503 body stalls past --max-time is retried on a new connection, the stalled body dropped (it ended in "unexpected error", exit 1)', async () => {
    const busy = 'HTTP/1.1 503 Service Unavailable\r\nretry-after: 0\r\ncontent-length: 100\r\n\r\nbusy';
    const connections: number[] = [];
    const server = await rawServer((socket) => {
      connections.push(connections.length);
      requestsOf((to, index) => to.write(index === 0 && connections.length === 1 ? busy : `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${USER_JSON.length}\r\n\r\n${USER_JSON}`))(socket);
    });
    const result = await runMain([...LOOKUP, '--max-time', '1', '--retry', '1'], envFor(server.port));
    expect(result).toEqual({ code: 0, stdout: USER_JSON, stderr: 'oneoffice: retrying in 0.0 s (503 Service Unavailable), 0 left\n' });
    expect(connections).toEqual([0, 1]);
  });

  it('a bad chunk in the same packet as the head fails the call at once with the parser\'s code, exit 6 (it hung to --max-time, then "internal error")', async () => {
    const server = await rawServer(requestsOf((to) => to.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n')));
    const result = await runMain([...LOOKUP, '--max-time', '20'], envFor(server.port));
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: 127.0.0.1:${server.port} answered with something that is not HTTP/1.1 (HPE_INVALID_CHUNK_SIZE); is the URL's port an HTTP server?\n` });
  });

  it('cut before anyone reads it, it throws nothing: its reader, when it comes, hears that it was cut', async () => {
    const server = await rawServer(requestsOf((to) => to.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"id":', () => to.resetAndDestroy())));
    const response = await sendOnSocket(lookupCall(server.port), { timeouts: { connectMs: 30_000, totalMs: 30_000 } }, parsers());
    expect(response.status).toBe(200);
    // No 'error' listener yet: an error emitted now would be thrown, uncaught, and fail this file.
    await waitFor(() => response.body.destroyed, 'the reset to cut the body');
    const heard = await new Promise<unknown>((resolve) => response.body.once('error', resolve));
    expect(heard).toMatchObject({ code: 'ECONNRESET' });
    response.finish();
  });

  it("read whole, abandoned by the caller's signal while the answer is awaited: E_ABORTED, the connection closed", async () => {
    const accepted: Socket[] = [];
    const server = await rawServer((socket) => void accepted.push(socket.on('error', () => undefined)));
    const transport = socketTransport({ timeouts: { connectMs: 30_000, totalMs: 30_000 } }, parsers());
    const controller = new AbortController();
    const sent = transport.sendWhole(lookupCall(server.port), 1000, controller.signal);
    // The request has arrived: the call waits for an answer that will not come.
    await waitFor(() => server.requests() === 1, 'the request to arrive');
    const closed = new Promise((resolve) => (accepted[0] as Socket).once('close', resolve));
    controller.abort();
    await expect(sent).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(await closed).toBe(false);
  });
});

describe('a Node that hands out no HTTP parser of its own', () => {
  it('sends a single call through node:http instead, with the same result (the built CLI)', async () => {
    const server = await startRecordingServer(jsonResponder(200, { ok: true }));
    const dir = tempDir('no-parser');
    const preload = join(dir, 'no-http-common.cjs');
    const countFile = join(dir, 'requests');
    writeFileSync(preload, NO_HTTP_COMMON);
    try {
      const env = isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN, NODE_OPTIONS: `--require ${preload}`, COUNT_FILE: countFile });
      expect(await runCli(['createUser', '--email', 'a@b.co'], { env })).toEqual({ code: 0, stdout: '{"ok":true}', stderr: '' });
      expect(server.received.map((request) => JSON.parse(request.body).params.email)).toEqual(['a@b.co']);
      expect(readFileSync(countFile, 'utf8')).toBe('1 requests, _http_common refused');
    } finally {
      await server.close();
    }
  });

  it('retries a read whose 503 body stalls past --max-time there too (it ended in "unexpected error", exit 1)', async () => {
    const busy = 'HTTP/1.1 503 Service Unavailable\r\nretry-after: 0\r\ncontent-length: 100\r\n\r\nbusy';
    let connections = 0;
    const server = await rawServer((socket) => {
      const first = connections++ === 0;
      requestsOf((to) => to.write(first ? busy : `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${USER_JSON.length}\r\n\r\n${USER_JSON}`))(socket);
    });
    const dir = tempDir('no-parser');
    const preload = join(dir, 'no-http-common.cjs');
    const countFile = join(dir, 'requests');
    writeFileSync(preload, NO_HTTP_COMMON);
    const env = { ...envFor(server.port), NODE_OPTIONS: `--require ${preload}`, COUNT_FILE: countFile };
    expect(await runCli([...LOOKUP, '--max-time', '1', '--retry', '1'], { env })).toEqual({ code: 0, stdout: USER_JSON, stderr: 'oneoffice: retrying in 0.0 s (503 Service Unavailable), 0 left\n' });
    expect(connections).toBe(2);
    expect(readFileSync(countFile, 'utf8')).toBe('2 requests, _http_common refused');
  });
});

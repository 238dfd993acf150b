// The connection of a single call, seen through Node's diagnostics channels while main() runs in
// this process: a plain-HTTP call opens its own socket, read by Node's own parser without any of
// node:http's client (its request objects and Agent are a cost of every call: issue 21), and that
// socket has Nagle's algorithm off, as an Agent's sockets have; left
// open for the exit once its answer is read whole, a reset of it by the server changes nothing.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import dns from 'node:dns';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useRecordingServer } from '../helpers/server.js';
import { makeCertificate, startHttpsServer } from '../helpers/tls.js';

const TOKEN = 'connection-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

/** Whether Nagle's algorithm is off on a socket: Node keeps it under a symbol of its own. */
function noDelayOf(socket: Socket): unknown {
  const key = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'kSetNoDelay');
  return key === undefined ? 'no kSetNoDelay symbol on the socket' : (socket as unknown as Record<symbol, unknown>)[key];
}

describe('the connection of a single call', () => {
  it("a plain-HTTP call opens one socket of its own, Nagle off, and makes no request of node:http's", async () => {
    const requests: unknown[] = [];
    const sockets: Socket[] = [];
    const onRequest = (message: unknown) => requests.push(message);
    const onSocket = (message: unknown) => sockets.push((message as { socket: Socket }).socket);
    subscribe('http.client.request.start', onRequest);
    subscribe('net.client.socket', onSocket);
    let result;
    try {
      result = await runMain(['createUser', '--email', 'a@b.co'], rec.env);
    } finally {
      unsubscribe('http.client.request.start', onRequest);
      unsubscribe('net.client.socket', onSocket);
    }
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: '' });
    expect(rec.server.received).toHaveLength(1);
    expect(requests).toEqual([]);
    expect(sockets).toHaveLength(1);
    expect(noDelayOf(sockets[0] as Socket)).toBe(true);
  });

  it('-v says once where a name resolved, naming its first address, when it has several (one line per address was shown)', async () => {
    // A name with two addresses, as a dual-stack host has (an IPv4 pair here, so the test needs no IPv6):
    // Node reports each address it was given.
    const lookup = dns.lookup;
    const spy = vi.spyOn(dns, 'lookup').mockImplementation(((host: string, options: unknown, callback: (...args: unknown[]) => void) => {
      if (host !== 'two.test') return (lookup as (...args: unknown[]) => unknown)(host, options, callback);
      const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
      process.nextTick(() => (all ? callback(null, [{ address: '127.0.0.1', family: 4 }, { address: '127.0.0.2', family: 4 }]) : callback(null, '127.0.0.1', 4)));
      return undefined;
    }) as unknown as typeof dns.lookup);
    let result;
    try {
      const url = new URL(rec.server.url);
      result = await runMain(['createUser', '--email', 'a@b.co', '-v', '--allow-insecure-http', '--url', `http://two.test:${url.port}/`], rec.env);
    } finally {
      spy.mockRestore();
    }
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('* Resolved'))).toEqual(['* Resolved two.test to 127.0.0.1']);
    expect(rec.server.received).toHaveLength(1);
  });

  it("an https call too makes no request of node:http's", async () => {
    const certificate = makeCertificate();
    const server = await startHttpsServer(certificate);
    const requests: unknown[] = [];
    const onRequest = (message: unknown) => requests.push(message);
    subscribe('http.client.request.start', onRequest);
    try {
      const result = await runMain(['createUser', '--email', 'a@b.co', '--url', server.url, '--cacert', certificate.certPath], rec.env);
      expect(result).toEqual({ code: 0, stdout: 'true', stderr: '' });
    } finally {
      unsubscribe('http.client.request.start', onRequest);
      server.close();
    }
    expect(requests).toEqual([]);
  });

  it('a server resetting the connection after a full answer changes nothing: the answer, its exit code, no error surfacing later', async () => {
    const body = '{"ok":true}';
    const accepted: Socket[] = [];
    const server = createServer((connection) => {
      accepted.push(connection.on('error', () => undefined));
      connection.once('data', () => connection.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sockets: Socket[] = [];
    const onSocket = (message: unknown) => sockets.push((message as { socket: Socket }).socket);
    subscribe('net.client.socket', onSocket);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const result = await runMain(['createUser', '--email', 'a@b.co'], isolatedEnv({ ONEOFFICE_URL: url, ONEOFFICE_BEARER: TOKEN }));
      expect(result).toEqual({ code: 0, stdout: body, stderr: '' });
      expect(sockets).toHaveLength(1);
      const socket = sockets[0] as Socket;
      expect(socket.destroyed).toBe(false);
      // The call is over; its connection, still held by this process, is now reset (RST, not FIN). An
      // 'error' nobody listens to would be thrown, uncaught, as it arrives.
      expect(socket.listenerCount('error')).toBeGreaterThan(0);
      const closed = new Promise<boolean>((resolve) => socket.once('close', resolve));
      accepted[0]?.resetAndDestroy();
      expect(await closed).toBe(true);
    } finally {
      unsubscribe('net.client.socket', onSocket);
      for (const connection of accepted) connection.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a server writing more bytes after a full answer: the answer is printed, exit 0, as curl does', async () => {
    const body = '{"ok":true}';
    const server = createServer((connection) => {
      connection.on('error', () => undefined);
      connection.once('data', () => connection.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}NOT HTTP\r\n\r\n`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      expect(await runMain(['createUser', '--email', 'a@b.co'], isolatedEnv({ ONEOFFICE_URL: url, ONEOFFICE_BEARER: TOKEN }))).toEqual({ code: 0, stdout: body, stderr: '' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// The connection of a single call, seen through Node's diagnostics channels while main() runs in
// this process: a plain-HTTP call opens its own socket (no Agent is built for one call, a cost of
// every call: issue 21), and that socket has Nagle's algorithm off, as an Agent's sockets have.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Agent, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useRecordingServer } from '../helpers/server.js';

const TOKEN = 'connection-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

/** Whether Nagle's algorithm is off on a socket: Node keeps it under a symbol of its own. */
function noDelayOf(socket: Socket): unknown {
  const key = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'kSetNoDelay');
  return key === undefined ? 'no kSetNoDelay symbol on the socket' : (socket as unknown as Record<symbol, unknown>)[key];
}

describe('the connection of a single call', () => {
  it('a plain-HTTP call opens one socket of its own, Nagle off, with no Agent built for it', async () => {
    // A request's agent, undefined when none was used (not in @types/node's ClientRequest).
    const requests: Array<ClientRequest & { agent?: unknown }> = [];
    const sockets: Socket[] = [];
    const onRequest = (message: unknown) => requests.push((message as { request: ClientRequest & { agent?: unknown } }).request);
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
    expect(requests).toHaveLength(1);
    // node:http is handed an Agent-like object for the connection of this call, never an Agent.
    expect(requests[0]?.agent).not.toBeInstanceOf(Agent);
    expect(sockets).toHaveLength(1);
    expect(noDelayOf(sockets[0] as Socket)).toBe(true);
  });
});

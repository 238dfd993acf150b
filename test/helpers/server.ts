// A recording HTTP server on 127.0.0.1: keeps every request exactly as received and answers
// with whatever the test scripts; a raw TCP server for answers that are not proper HTTP; servers a
// test opens for itself closed after it; and a port that certainly refuses connections.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as connectTcp, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export interface Received {
  method: string;
  url: string;
  /** Raw header pairs in arrival order, names as sent. */
  rawHeaders: Array<[string, string]>;
  headers: IncomingMessage['headers'];
  body: string;
  /** The client's port: requests with the same one came over the same (kept-alive) connection. */
  clientPort: number;
}

export type Responder = (request: Received, res: ServerResponse) => void;

export interface RecordingServer {
  url: string;
  port: number;
  received: Received[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export const jsonResponder =
  (status: number, body: unknown, headers: Record<string, string> = {}): Responder =>
  (_request, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

/** The first request gets the first answer, the second the second, and so on; the last one repeats. */
export function inTurn(...responders: Responder[]): Responder {
  let served = 0;
  return (request, res) => (responders[Math.min(served++, responders.length - 1)] as Responder)(request, res);
}

export async function startRecordingServer(responder: Responder = jsonResponder(200, { ok: true })): Promise<RecordingServer> {
  let current = responder;
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawHeaders: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) rawHeaders.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
      const record: Received = { method: req.method ?? '', url: req.url ?? '', rawHeaders, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), clientPort: req.socket.remotePort ?? 0 };
      received.push(record);
      current(record, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/external`,
    port,
    received,
    respond: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One recording server per test file, emptied and answering 200 {"ok":true} before each test, and a
 * fresh isolated environment per test from `makeEnv`.
 */
export function useRecordingServer(makeEnv: (server: RecordingServer) => Record<string, string>): { server: RecordingServer; env: Record<string, string> } {
  const state = {} as { server: RecordingServer; env: Record<string, string> };
  beforeAll(async () => {
    state.server = await startRecordingServer();
  });
  afterAll(() => state.server.close());
  beforeEach(() => {
    state.server.received.length = 0;
    state.server.respond(jsonResponder(200, { ok: true }));
    state.env = makeEnv(state.server);
  });
  return state;
}

export interface RawServer {
  port: number;
  /** Requests that have arrived: connections that sent anything. */
  requests(): number;
  close(): void;
}

/**
 * A TCP server on 127.0.0.1 that hands each connection to `onSocket`, for answers no HTTP server
 * would give (not HTTP, a stalled body, a reset, silence); counts the requests that arrive.
 */
export async function startRawServer(onSocket: (socket: Socket) => void): Promise<RawServer> {
  let count = 0;
  const sockets = new Set<Socket>();
  const tcp = createTcpServer((socket) => {
    socket.once('data', () => count++);
    sockets.add(socket);
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return {
    port: (tcp.address() as AddressInfo).port,
    requests: () => count,
    close: () => {
      for (const socket of sockets) socket.destroy();
      tcp.close();
    },
  };
}

export interface Cleanups {
  /** Runs `cleanup` after this test, passed or failed (the last one deferred runs first). */
  defer(cleanup: () => unknown): void;
  /** A raw TCP server (startRawServer) closed after this test. */
  rawServer(onSocket: (socket: Socket) => void): Promise<RawServer>;
}

/** What a test of this file opens for itself (servers, proxies) closed after it, in one place. */
export function useCleanups(): Cleanups {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const defer = (cleanup: () => unknown) => void cleanups.push(cleanup);
  return {
    defer,
    async rawServer(onSocket) {
      const server = await startRawServer(onSocket);
      defer(server.close);
      return server;
    },
  };
}

const REFUSED_PORT = 1;
let refused: Promise<number> | undefined;

/**
 * A port on 127.0.0.1 that refuses connections, whatever else runs. A port a closed server gave back
 * is free for the next listen(0), and four workers listen(0) at once: a test there could reach
 * another test's server instead of being refused. Port 1 is never handed out for port 0 (below
 * ip_local_port_range, and below 1024, where only root may listen) and no test listens on it. Checked
 * once per worker, so a machine where something does listen there fails naming it.
 */
export function refusedPort(): Promise<number> {
  refused ??= new Promise<number>((resolve, reject) => {
    const socket = connectTcp(REFUSED_PORT, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      reject(new Error(`something listens on 127.0.0.1:${REFUSED_PORT}: the tests of refused connections need that port closed`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve(REFUSED_PORT) : reject(error)));
  });
  return refused;
}

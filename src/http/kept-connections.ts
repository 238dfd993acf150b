// Plain-HTTP calls read whole over kept-alive connections (`oneoffice test`'s steps, one after
// another), on a socket and Node's own HTTP/1 parser (llhttp, what node:http parses with), without
// node:http's request and response streams and Agent: those cost a 100-step scenario ~0.25 ms of
// CPU a step, a fifth of the whole run (measured). The bytes sent are node:http's (the request line,
// the headers in the order given, the body), the parser and its error codes are node:http's, and so
// are the rules kept: at most `connections` sockets per origin, the last one freed used first, an
// idle one no longer used after IDLE_CONNECTION_MS or the server's Keep-Alive hint less a second
// (closed at the next call, or when the run ends), none kept that the answer or its HTTP version
// says to close. The reading of each connection is parsed-connection.ts's, as a single call's is
// (socket-call.ts, which has a connection of its own and streams its body). TLS and -v keep
// node:http's Agent. A run's steps come here (scenario/send.ts); a single call's bundle does not
// carry this.
import { createConnection } from 'node:net';
import type { CallRequest } from '../api/request.js';
import { headersFromRaw, requestHead, reuseForMs, writeRequest } from './http1-text.js';
import { monotonicMs } from '../api/clock.js';
import { requestTarget } from '../api/request.js';
import type { SettingNames } from '../api/settings.js';
import { abortedError, connectTimeoutError, endpointOf, maxTimeError, toNetworkError } from './network-errors.js';
import { parsedConnection, type AnswerReader, type NodeParserModule, type ParsedConnection } from './parsed-connection.js';
import { wholeAnswer } from './whole-answer.js';
import type { Timeouts, WholeResponse } from './transport.js';
import { localNameLookup } from './local-names.js';

export { nodeHttpParser, type NodeParserModule } from './parsed-connection.js';

export interface KeptCallOptions {
  timeouts: Timeouts;
  names?: SettingNames;
}

/** One call in flight on a connection: what its answer has brought so far. */
interface Exchange {
  status: number | undefined;
  raw: string[];
  chunks: Buffer[];
  size: number;
  /** What is kept of the body: beyond it, only its size is counted. */
  maxBytes: number;
  keepAlive: boolean;
  firstByteAt: number;
  written: boolean;
  done(error: unknown): void;
}

interface Connection {
  link: ParsedConnection;
  /** monotonicMs() after which it is not reused. */
  usableUntil: number;
  /** TCP keep-alive probes asked for (as node:http's Agent does when it first frees a socket). */
  probing: boolean;
}

interface Origin {
  idle: Connection[];
  open: number;
  waiting: Array<() => void>;
}

export interface KeptConnections {
  sendWhole(call: CallRequest, options: KeptCallOptions, maxBodyBytes: number, signal?: AbortSignal): Promise<WholeResponse>;
  destroy(): void;
}

/** Where an exchange's answer is read into: its head and as much of its body as it keeps. */
function readerOf(exchange: Exchange): AnswerReader {
  return {
    head: (head) => {
      exchange.status = head.status;
      exchange.raw = head.raw;
      exchange.keepAlive = head.keepAlive;
      exchange.firstByteAt = monotonicMs();
    },
    body: (chunk) => {
      exchange.size += chunk.length;
      if (exchange.size <= exchange.maxBytes) exchange.chunks.push(chunk);
    },
    complete: () => exchange.done(undefined),
    fail: (error) => exchange.done(error),
  };
}

/** Kept connections read by Node's parser, or undefined where this Node has none to hand out (nodeHttpParser). */
export function keptConnections(connections: number, parserModule: NodeParserModule | undefined): KeptConnections | undefined {
  if (!parserModule) return undefined;
  const max = Math.max(1, connections);
  const origins = new Map<string, Origin>();

  // Later, never inside the parser's callbacks: a call started there would re-initialise the parser mid-execute.
  const wakeOne = (origin: Origin) => {
    const next = origin.waiting.shift();
    if (next) queueMicrotask(next);
  };

  const release = (origin: Origin, connection: Connection, forMs: number) => {
    connection.link.reader = undefined;
    const { socket } = connection.link;
    if (forMs <= 0) {
      socket.destroy();
      return;
    }
    connection.usableUntil = monotonicMs() + forMs;
    if (!connection.probing) socket.setKeepAlive(true, 1000);
    connection.probing = true;
    socket.unref();
    origin.idle.push(connection);
    wakeOne(origin);
  };

  const open = (origin: Origin, host: string, port: number): Connection => {
    origin.open++;
    const socket = createConnection({ host, port, noDelay: true, lookup: localNameLookup });
    const closed = () => {
      origin.open--;
      const at = origin.idle.indexOf(connection);
      if (at !== -1) origin.idle.splice(at, 1);
      wakeOne(origin);
    };
    const connection: Connection = { link: parsedConnection(socket, parserModule, closed), usableUntil: 0, probing: false };
    return connection;
  };

  /** An idle connection still usable (the last one freed), a new one, or undefined when `max` are busy. */
  const take = (origin: Origin): Connection | 'new' | undefined => {
    const now = monotonicMs();
    // The longest idle first: those past their time are closed now (no timer per call to close them sooner).
    while (origin.idle.length && (origin.idle[0] as Connection).usableUntil <= now) origin.idle.shift()?.link.socket.destroy();
    for (let connection = origin.idle.pop(); connection; connection = origin.idle.pop()) {
      if (connection.usableUntil > now && !connection.link.socket.destroyed) return connection;
      connection.link.socket.destroy();
    }
    return origin.open < max ? 'new' : undefined;
  };

  const sendWhole = async (call: CallRequest, options: KeptCallOptions, maxBodyBytes: number, signal?: AbortSignal): Promise<WholeResponse> => {
    if (signal?.aborted) throw abortedError();
    const { url } = call;
    const { host, port } = endpointOf(url);
    const head = requestHead(call, requestTarget(url));
    const key = `${host}:${port}`;
    let origin = origins.get(key);
    if (!origin) origins.set(key, (origin = { idle: [], open: 0, waiting: [] }));
    const at = origin;
    return new Promise<WholeResponse>((resolve, reject) => {
      let timedOut = false;
      let connectTimer: NodeJS.Timeout | undefined;
      let connection: Connection | undefined;
      const exchange: Exchange = { status: undefined, raw: [], chunks: [], size: 0, maxBytes: maxBodyBytes, keepAlive: false, firstByteAt: 0, written: false, done: () => undefined };
      const reader = readerOf(exchange);
      const onAbort = () => end(abortedError(), true);
      const end = (error: unknown, cut = false) => {
        exchange.done = () => undefined;
        clearTimeout(totalTimer);
        clearTimeout(connectTimer);
        signal?.removeEventListener('abort', onAbort);
        if (error !== undefined) {
          const queued = at.waiting.indexOf(start);
          if (queued !== -1) at.waiting.splice(queued, 1);
          if (connection && (cut || connection.link.reader === reader)) {
            connection.link.reader = undefined;
            connection.link.socket.destroy();
          }
          reject(timedOut ? maxTimeError(url, options.timeouts.totalMs, error, options.names) : toNetworkError(error, url, undefined, options.names));
          return;
        }
        if (connection) release(at, connection, exchange.written ? reuseForMs(exchange.raw, exchange.keepAlive) : 0);
        resolve(wholeAnswer({ status: exchange.status as number, headers: headersFromRaw(exchange.raw) }, exchange, maxBodyBytes, exchange.firstByteAt));
      };
      const totalTimer = setTimeout(() => {
        timedOut = true;
        end(new Error('--max-time'), true);
      }, options.timeouts.totalMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      function start(): void {
        const taken = take(at);
        if (taken === undefined) {
          at.waiting.push(start);
          return;
        }
        const fresh = taken === 'new';
        const using = fresh ? open(at, host, port) : taken;
        connection = using;
        const { socket } = using.link;
        using.link.expect(reader);
        exchange.done = end;
        socket.ref();
        if (fresh) {
          connectTimer = setTimeout(() => end(connectTimeoutError(url), true), options.timeouts.connectMs);
          socket.once('connect', () => clearTimeout(connectTimer));
        }
        const written = () => {
          exchange.written = true;
        };
        writeRequest(socket, head, call.body, written);
      }
      start();
    });
  };

  return {
    sendWhole,
    destroy: () => {
      for (const origin of origins.values()) for (const connection of origin.idle.splice(0)) connection.link.socket.destroy();
    },
  };
}

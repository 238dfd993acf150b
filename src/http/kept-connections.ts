// Plain-HTTP calls read whole over kept-alive connections (`oneoffice test`'s steps, one after
// another), on a socket and Node's own HTTP/1 parser (llhttp, what node:http parses with), without
// node:http's request and response streams and Agent: those cost a 100-step scenario ~0.25 ms of
// CPU a step, a fifth of the whole run (measured). The bytes sent are node:http's (the request line,
// the headers in the order given, the body), the parser and its error codes are node:http's, and so
// are the rules kept: at most `connections` sockets per origin, the last one freed used first, an
// idle one no longer used after IDLE_CONNECTION_MS or the server's Keep-Alive hint less a second
// (closed at the next call, or when the run ends), none kept that the answer or its HTTP version
// says to close. TLS and -v keep node:http. A run's steps come here (scenario/send.ts); a single
// call's bundle does not carry this.
import { createRequire } from 'node:module';
import { createConnection, type Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { HTTPParser as NodeHttpParser } from '_http_common';
import type { CallRequest } from '../api/request.js';
import { connectionReset, headersFromRaw, MAX_HEADER_ENTRIES, requestHead, reuseForMs } from './http1-text.js';
import { monotonicMs } from '../api/clock.js';
import { requestTarget } from '../api/request.js';
import type { SettingNames } from '../api/settings.js';
import { abortedError, connectTimeoutError, maxTimeError, portOf, toNetworkError } from './network-errors.js';
import type { Timeouts, WholeResponse } from './transport.js';

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
  socket: Socket;
  parser: NodeHttpParser;
  current: Exchange | undefined;
  /** Header lines of an answer whose head came in pieces (the parser hands over long heads so). */
  partial: string[];
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

/** What is used of `_http_common`. */
export interface NodeParserModule {
  HTTPParser: typeof NodeHttpParser;
  isLenient(): boolean;
  prepareError(error: Error, parser: NodeHttpParser, rawPacket: Buffer): void;
}

const PARSER_CONSTANTS = ['RESPONSE', 'kOnHeaders', 'kOnHeadersComplete', 'kOnBody', 'kOnMessageComplete', 'kLenientNone', 'kLenientAll'] as const;

/**
 * Node's HTTP/1 parser as node:http holds it, from `_http_common`: a module Node's documentation
 * calls internal (DEP0199, documentation-only: no warning through Node 26, even with
 * --pending-deprecation). So it is looked for, not imported: where a Node hands it out no more, or
 * without what is used here, undefined, and a run's steps go through node:http's Agent, as over TLS.
 * `load` is require for Node's own modules (createRequire of any absolute path resolves those).
 */
export function nodeHttpParser(load: (name: string) => unknown = createRequire(process.execPath)): NodeParserModule | undefined {
  let found: unknown;
  try {
    found = load('_http_common');
  } catch {
    return undefined;
  }
  if (typeof found !== 'object' || found === null) return undefined;
  const { HTTPParser, isLenient, prepareError } = found as Record<string, unknown>;
  if (typeof HTTPParser !== 'function' || typeof isLenient !== 'function' || typeof prepareError !== 'function') return undefined;
  const constants = HTTPParser as unknown as Record<string, unknown>;
  return PARSER_CONSTANTS.every((name) => typeof constants[name] === 'number') ? (found as NodeParserModule) : undefined;
}

/** Kept connections read by Node's parser, or undefined where this Node has none to hand out (nodeHttpParser). */
export function keptConnections(connections: number, parserModule: NodeParserModule | undefined): KeptConnections | undefined {
  if (!parserModule) return undefined;
  const { HTTPParser, isLenient, prepareError } = parserModule;
  const max = Math.max(1, connections);
  const origins = new Map<string, Origin>();
  const lenient = isLenient() ? HTTPParser.kLenientAll : HTTPParser.kLenientNone;

  // Later, never inside the parser's callbacks: a call started there would re-initialise the parser mid-execute.
  const wakeOne = (origin: Origin) => {
    const next = origin.waiting.shift();
    if (next) queueMicrotask(next);
  };

  const release = (origin: Origin, connection: Connection, forMs: number) => {
    connection.current = undefined;
    if (forMs <= 0) {
      connection.socket.destroy();
      return;
    }
    connection.usableUntil = monotonicMs() + forMs;
    if (!connection.probing) connection.socket.setKeepAlive(true, 1000);
    connection.probing = true;
    connection.socket.unref();
    origin.idle.push(connection);
    wakeOne(origin);
  };

  const open = (origin: Origin, host: string, port: number): Connection => {
    origin.open++;
    const socket = createConnection({ host, port, noDelay: true });
    const parser = new HTTPParser();
    const connection: Connection = { socket, parser, current: undefined, partial: [], usableUntil: 0, probing: false };
    const fail = (error: unknown) => connection.current?.done(error);
    parser[HTTPParser.kOnHeaders] = (lines: string[]) => void connection.partial.push(...lines);
    parser[HTTPParser.kOnHeadersComplete] = (_major: number, _minor: number, lines: string[] | undefined, _method: unknown, _url: unknown, status: number, _reason: string, upgrade: boolean, keepAlive: boolean) => {
      const exchange = connection.current;
      const raw = lines ?? connection.partial.splice(0);
      if (!exchange || exchange.status !== undefined || upgrade) {
        // An answer to no call, a second answer, or a switch of protocol: the connection is out of step.
        socket.destroy();
        return 0;
      }
      // 1xx (but 101): an interim answer; the final one follows.
      if (status >= 100 && status < 200) return 1;
      exchange.status = status;
      exchange.raw = raw.length > MAX_HEADER_ENTRIES ? raw.slice(0, MAX_HEADER_ENTRIES) : raw;
      exchange.keepAlive = keepAlive;
      exchange.firstByteAt = monotonicMs();
      return status === 304 ? 1 : 0;
    };
    parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
      const exchange = connection.current;
      if (!exchange) return;
      exchange.size += chunk.length;
      if (exchange.size <= exchange.maxBytes) exchange.chunks.push(chunk);
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
      const exchange = connection.current;
      if (exchange?.status !== undefined) exchange.done(undefined);
    };
    socket.on('data', (data: Buffer) => {
      if (!connection.current) {
        socket.destroy();
        return;
      }
      const parsed = parser.execute(data);
      if (parsed instanceof Error) {
        prepareError(parsed, parser, data);
        socket.destroy();
        fail(parsed);
      }
    });
    socket.on('end', () => {
      // An answer that runs to the close ends here; any other is cut short.
      if (connection.current) parser.finish();
      fail(connectionReset(connection.current?.status === undefined ? 'socket hang up' : 'aborted'));
      socket.destroy();
    });
    socket.on('error', fail);
    socket.on('close', () => {
      fail(connectionReset(connection.current?.status === undefined ? 'socket hang up' : 'aborted'));
      origin.open--;
      const at = origin.idle.indexOf(connection);
      if (at !== -1) origin.idle.splice(at, 1);
      parser.close();
      wakeOne(origin);
    });
    return connection;
  };

  /** An idle connection still usable (the last one freed), a new one, or undefined when `max` are busy. */
  const take = (origin: Origin): Connection | 'new' | undefined => {
    const now = monotonicMs();
    // The longest idle first: those past their time are closed now (no timer per call to close them sooner).
    while (origin.idle.length && (origin.idle[0] as Connection).usableUntil <= now) origin.idle.shift()?.socket.destroy();
    for (let connection = origin.idle.pop(); connection; connection = origin.idle.pop()) {
      if (connection.usableUntil > now && !connection.socket.destroyed) return connection;
      connection.socket.destroy();
    }
    return origin.open < max ? 'new' : undefined;
  };

  const sendWhole = async (call: CallRequest, options: KeptCallOptions, maxBodyBytes: number, signal?: AbortSignal): Promise<WholeResponse> => {
    if (signal?.aborted) throw abortedError();
    const { url } = call;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(portOf(url));
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
      const onAbort = () => end(abortedError(), true);
      const end = (error: unknown, cut = false) => {
        exchange.done = () => undefined;
        clearTimeout(totalTimer);
        clearTimeout(connectTimer);
        signal?.removeEventListener('abort', onAbort);
        if (error !== undefined) {
          const queued = at.waiting.indexOf(start);
          if (queued !== -1) at.waiting.splice(queued, 1);
          if (connection && (cut || connection.current === exchange)) {
            connection.current = undefined;
            connection.socket.destroy();
          }
          reject(timedOut ? maxTimeError(url, options.timeouts.totalMs, error, options.names) : toNetworkError(error, url, undefined, options.names));
          return;
        }
        const truncated = exchange.size > maxBodyBytes;
        const status = exchange.status as number;
        if (connection) release(at, connection, exchange.written ? reuseForMs(exchange.raw, exchange.keepAlive) : 0);
        resolve({ status, statusText: STATUS_CODES[status] ?? '', headers: headersFromRaw(exchange.raw), text: truncated ? '' : Buffer.concat(exchange.chunks).toString('utf8'), truncated, firstByteAt: exchange.firstByteAt, discard: async () => undefined });
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
        using.current = exchange;
        exchange.done = end;
        using.socket.ref();
        if (fresh) {
          connectTimer = setTimeout(() => end(connectTimeoutError(url), true), options.timeouts.connectMs);
          using.socket.once('connect', () => clearTimeout(connectTimer));
        }
        using.parser.initialize(HTTPParser.RESPONSE, {}, 0, lenient);
        const written = () => {
          exchange.written = true;
        };
        if (Buffer.byteLength(call.body) === call.body.length) using.socket.write(head + call.body, 'latin1', written);
        else {
          using.socket.cork();
          using.socket.write(head, 'latin1');
          using.socket.write(Buffer.from(call.body), written);
          using.socket.uncork();
        }
      }
      start();
    });
  };

  return {
    sendWhole,
    destroy: () => {
      for (const origin of origins.values()) for (const connection of origin.idle.splice(0)) connection.socket.destroy();
    },
  };
}

// What every transport offers the executor: one attempt of a call, its answer either streamed
// (single calls print it as it arrives) or read whole (batches, the library client). A single
// direct call goes out on a connection of its own read by Node's own HTTP parser (socket-call.ts):
// node:http's client costs ~6 ms of a ~45 ms call to load and run, and a call's target (1.35x
// `node -e 0`, issue 21) is below a bare node:http script's own time. node:http (node-transport.ts,
// loaded only then) keeps `oneoffice test`'s connections over TLS, and any direct call on a Node that
// hands out no parser; undici serves pools of kept-alive connections, proxies, and a caller's own
// dispatcher (undici-transport.ts, loaded only then).
import type { ClientCertificate } from './client-cert.js';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { CallRequest } from '../api/request.js';
import type { SettingNames } from '../api/settings.js';
import type { ExchangeObserver } from './exchange.js';
import { nodeHttpParser } from './parsed-connection.js';
import type { KeptConnections } from './kept-connections.js';

export interface CallResponse {
  status: number;
  /** The standard text for the status, for messages. */
  statusText: string;
  /** The reason phrase as the server sent it, when known (shown by -v). */
  reason?: string;
  /** As received: names lower-cased by undici, repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
  /** Names and values in turn, as the server wrote them (its case, its order): what -v shows. */
  rawHeaders?: readonly string[];
  /** '1.1' (neither transport speaks HTTP/2 here), for -w's %{http_version}. */
  httpVersion?: string;
  body: Readable;
}

export interface Timeouts {
  connectMs: number;
  /** Each attempt, body included. */
  totalMs: number;
}

export interface ConnectionOptions {
  timeouts: Timeouts;
  /** PEM bundle that replaces the default CAs (--cacert). */
  ca?: string;
  /** Skip certificate checks (-k). */
  insecure?: boolean;
  /** A client certificate for servers that require one (--cert), unlocked. */
  clientCert?: ClientCertificate;
  /** The proxy for this call's URL, if any (see proxy.ts). */
  proxy?: URL;
  /** Keep-alive connections per origin (batch); 1 for a single call. */
  connections?: number;
  /** How errors name the settings (the CLI's flags); else the library's option names. */
  names?: SettingNames;
}

export interface SentResponse extends CallResponse {
  /** Maps errors raised while the body streams (reset, stall, --max-time) like those before it. */
  mapError(error: unknown): Error;
  /** Releases the --max-time timer; call once the body is consumed. */
  finish(): void;
  /** Reads and drops the body (an answer that will be retried). */
  discard(): Promise<void>;
}

export interface WholeResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text; empty when it was longer than the limit. */
  text: string;
  truncated: boolean;
  /** monotonicMs() when the answer began (for time_starttransfer). */
  firstByteAt: number;
  /** Nothing to drop: the body was read with the answer (for withRetries). */
  discard(): Promise<void>;
}

export interface Transport {
  /** One attempt; the body streams. Errors come out as OneOfficeErrors naming the host and the cause. */
  send(call: CallRequest): Promise<SentResponse>;
  /** One attempt; the body read whole, kept up to `maxBodyBytes`. `signal` abandons it (E_ABORTED). */
  sendWhole(call: CallRequest, maxBodyBytes: number, signal?: AbortSignal): Promise<WholeResponse>;
  /** Closes the connections this transport opened. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Reports connections and TLS for -v. */
  observer?: ExchangeObserver;
  /** A caller's own undici dispatcher (a MockAgent in tests, a library user's pool); not closed by close(). */
  dispatcher?: Dispatcher;
  /**
   * Many calls will follow: keep connections alive in a pool, even without a proxy. `true`: undici,
   * for throughput (batch, the library); 'fast-start': node:http's keep-alive Agent, which loads
   * nothing, for calls that follow one another (`oneoffice test`); undici all the same through a proxy.
   */
  pooled?: boolean | 'fast-start';
  /**
   * With 'fast-start': plain-HTTP calls read whole go out on these connections instead (kept-connections.ts;
   * given by the caller, so that a single call's bundle does not carry them).
   */
  kept?: KeptConnections;
  /**
   * The process ends once this call is done (a command of the CLI): a direct connection whose answer
   * was read whole is left for the exit to close (node-transport.ts says why).
   */
  leaveToExit?: boolean;
}

/**
 * The transport for these options: for a direct call, a connection of its own read by Node's parser
 * (node:http where this Node hands out none); node:http for a 'fast-start' pool; undici otherwise.
 * undici is imported only here and only then: it takes ~25 ms to load, more than a whole single call.
 */
export async function openTransport(connection: ConnectionOptions, options: OpenOptions = {}): Promise<Transport> {
  if (!options.dispatcher && !connection.proxy && options.pooled !== true) {
    const direct = options.leaveToExit ? { ...connection, leaveToExit: true } : connection;
    const parsers = options.pooled === 'fast-start' ? undefined : nodeHttpParser();
    if (parsers) return (await import('./socket-call.js')).socketTransport(direct, parsers, options.observer);
    const keepAlive = options.pooled === 'fast-start' ? { connections: connection.connections ?? 1, ...(options.kept ? { kept: options.kept } : {}) } : undefined;
    // node:http is loaded only here: a single call, where the parser is found, never needs it.
    return (await import('./node-transport.js')).nodeTransport(direct, options.observer, keepAlive);
  }
  const { undiciTransport } = await import('./undici-transport.js');
  return undiciTransport(connection, options.observer, options.dispatcher);
}

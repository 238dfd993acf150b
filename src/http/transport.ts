// What every transport offers the executor: one attempt of a call, its answer either streamed
// (single calls print it as it arrives) or read whole (batches, the library client). Two
// implementations: node:http for a single direct call (node-transport.ts; it starts fastest), and
// undici for a pool of kept-alive connections, proxies, or a caller's own dispatcher
// (undici-transport.ts, loaded only then).
import type { ClientCertificate } from './client-cert.js';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { CallRequest } from '../api/request.js';
import type { SettingNames } from '../api/settings.js';
import type { ExchangeObserver } from './exchange.js';
import { nodeTransport } from './node-transport.js';
import type { KeptConnections } from './kept-connections.js';

export interface CallResponse {
  status: number;
  /** The standard text for the status, for messages. */
  statusText: string;
  /** The reason phrase as the server sent it, when known (shown by -v). */
  reason?: string;
  /** As received: names lower-cased by undici, repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
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
 * The transport for these options: node:http for direct calls (one, or a 'fast-start' pool), undici
 * otherwise. undici is imported only here and only then: it takes ~25 ms to load, more than a whole
 * single call.
 */
export async function openTransport(connection: ConnectionOptions, options: OpenOptions = {}): Promise<Transport> {
  if (!options.dispatcher && !connection.proxy && options.pooled !== true) {
    const keepAlive = options.pooled === 'fast-start' ? { connections: connection.connections ?? 1, ...(options.kept ? { kept: options.kept } : {}) } : undefined;
    return nodeTransport(options.leaveToExit ? { ...connection, leaveToExit: true } : connection, options.observer, keepAlive);
  }
  const { undiciTransport } = await import('./undici-transport.js');
  return undiciTransport(connection, options.observer, options.dispatcher);
}

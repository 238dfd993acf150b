// Sends a CallRequest with undici: a pool of kept-alive connections (batches, the library client),
// proxies, or a caller's own dispatcher. The only module that loads undici; transport.ts imports it
// only when one of those is wanted.
import { statusTextOf } from './status-texts.js';
import { isIP, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, Pool, ProxyAgent, request, type ConnectData, type ConnectOptions, type Connector, type DispatchController, type Dispatcher } from './undici-parts.js';
import type { ExchangeObserver } from './exchange.js';
import { abortedError, markedAtProxy, maxTimeError, toNetworkError } from './network-errors.js';
import type { ConnectionOptions, SentResponse, Transport, WholeResponse } from './transport.js';
import { tlsInfo } from './tls-info.js';
import { wholeAnswer } from './whole-answer.js';
import { headersFromRaw } from './http1-text.js';
import { ADDED_BY_UNDICI, requestTarget, type CallRequest } from '../api/request.js';

import { tlsClientOptions } from './client-cert.js';
import { monotonicMs } from '../api/clock.js';
import { localNameLookup } from './local-names.js';

export function createDispatcher(options: ConnectionOptions, observer?: ExchangeObserver): Dispatcher {
  const tls = { timeout: options.timeouts.connectMs, ...(options.ca ? { ca: options.ca } : {}), ...(options.insecure ? { rejectUnauthorized: false } : {}) };
  // The client certificate is for the server, not for an https:// proxy.
  const serverTls = { ...tls, ...tlsClientOptions(options.clientCert) };
  const limits = options.connections ? { connections: options.connections } : {};
  if (options.proxy) {
    // Like curl: plain http:// is forwarded by the proxy, https:// goes through a CONNECT tunnel.
    return new ProxyAgent({ uri: options.proxy.href, requestTls: serverTls, proxyTls: { ...tls, lookup: localNameLookup }, proxyTunnel: false, clientFactory: proxyClient, ...limits });
  }
  const connect = alertingConnector(buildConnector({ ...serverTls, keepAlive: false, lookup: localNameLookup }));
  return new Agent({ connect: observer ? observedConnector(connect, observer) : connect, ...limits });
}

/**
 * The connections to the proxy that tunnels (every https:// URL; every call through an https://
 * proxy), as undici's own Pool with its connector, but: a failure there is marked as the proxy's,
 * so its message names the proxy (an https:// proxy's untrusted certificate is not the server's);
 * and an IP address is no TLS server name (undici passes the proxy's host, and Node warns on stderr).
 */
function proxyClient(origin: URL, { connect }: { connect: Connector }): Dispatcher {
  const atProxy: Connector = ({ servername, ...rest }, callback) =>
    connect({ ...rest, ...(servername && !isIP(servername) ? { servername } : {}) }, (error, socket) => callback(error ? markedAtProxy(error) : (null as never), socket as never));
  const pool = new Pool(origin, { connect: atProxy });
  // A proxy that closes the connection instead of answering CONNECT: undici hands the tunnel's
  // caller "other side closed" (UND_ERR_SOCKET), which its client takes for a socket to open again
  // at once, for ever, at full CPU, and no timer (--max-time) ever runs. As a reset, it fails the call.
  const tunnel = pool.connect.bind(pool) as (options: ConnectOptions) => Promise<ConnectData>;
  Object.assign(pool, { connect: (options: ConnectOptions) => tunnel(options).catch((error: unknown) => Promise.reject(closedByProxy(error))) });
  return pool;
}

function closedByProxy(error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code !== 'UND_ERR_SOCKET') return error;
  return markedAtProxy(Object.assign(new Error('the proxy closed the connection before answering CONNECT', { cause: error }), { code: 'ECONNRESET' }));
}

/**
 * TLS alerts that arrive after the handshake (TLS 1.3: "certificate required" comes once the
 * request is on its way) reach undici only as "other side closed"; the socket saw the real reason.
 * Kept by local port until the failure is mapped (a few at most; cleared if they pile up).
 */
const tlsAlerts = new Map<number, string>();

/** TCP keep-alive after 60 s idle, as undici's own: set once the socket is connected (see below). */
export const TCP_KEEPALIVE_DELAY_MS = 60_000;

/**
 * undici turns TCP keep-alive on while the socket is still connecting, which Wine refuses ("connect
 * UNKNOWN" for every call of a batch; Windows and Linux take it): the connector is built without it
 * and sets the same keep-alive once connected, as node:http's Agent does.
 */
function alertingConnector(connect: Connector): Connector {
  return (options, callback) =>
    connect(options, (error, ready) => {
      if (!error && ready) ready.setKeepAlive(true, TCP_KEEPALIVE_DELAY_MS);
      if (!error && ready && 'getPeerCertificate' in ready) {
        ready.on('error', (socketError: NodeJS.ErrnoException) => {
          const port = ready.localPort;
          if (port === undefined || !socketError.code?.startsWith('ERR_SSL_')) return;
          if (tlsAlerts.size > 100) tlsAlerts.clear();
          tlsAlerts.set(port, socketError.code);
        });
      }
      callback(error as Error, ready as never);
    });
}

/** undici's "other side closed" with the TLS alert that caused it, when the socket saw one. */
function withTlsAlert(error: unknown): unknown {
  const port = (error as { code?: string; socket?: { localPort?: number } } | null)?.socket?.localPort;
  if ((error as { code?: string } | null)?.code !== 'UND_ERR_SOCKET' || port === undefined) return error;
  const code = tlsAlerts.get(port);
  if (code === undefined) return error;
  tlsAlerts.delete(port);
  return Object.assign(new Error(`TLS alert (${code})`, { cause: error }), { code });
}

/** The headers as undici takes them: flat, without the ones it adds itself. A loop: filter().flat() costs a batch ~3 µs a call. */
function wireHeaders(call: CallRequest): string[] {
  const flat: string[] = [];
  for (const [name, value] of call.headers) if (!ADDED_BY_UNDICI.has(name)) flat.push(name, value);
  return flat;
}

/** One attempt. Errors come out as OneOfficeErrors naming the host (or the proxy) and the cause. */
export async function send(call: CallRequest, dispatcher: Dispatcher, options: Pick<ConnectionOptions, 'timeouts' | 'proxy' | 'names'>): Promise<SentResponse> {
  const { timeouts, proxy, names } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeouts.totalMs);
  const mapError = (error: unknown): Error => (controller.signal.aborted ? maxTimeError(call.url, timeouts.totalMs, error, names) : toNetworkError(withTlsAlert(error), call.url, proxy, names));
  try {
    const response = await request(call.url, {
      method: call.httpMethod,
      headers: wireHeaders(call),
      body: call.body,
      dispatcher,
      signal: controller.signal,
      // undici closes a connection after a GET that carried a body, in case the server did not read
      // it; this API is GET with a body by design, so keep the connection for the next call.
      reset: false,
      // The names as the server wrote them, for -v; looked up lower-cased as undici would give them.
      responseHeaders: 'raw',
    });
    const finish = () => clearTimeout(timer);
    // A caller's own dispatcher may not honour responseHeaders: its headers are taken as they come.
    const given: unknown = response.headers;
    const rawHeaders = Array.isArray(given) ? given.map(String) : undefined;
    return {
      status: response.statusCode,
      statusText: statusTextOf(response.statusCode),
      headers: rawHeaders ? headersFromRaw(rawHeaders) : response.headers,
      ...(rawHeaders ? { rawHeaders } : {}),
      // undici is not given allowH2: always HTTP/1.1.
      httpVersion: '1.1',
      body: response.body,
      mapError,
      finish,
      discard: async () => {
        try {
          await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
        } finally {
          finish();
        }
      },
    };
  } catch (error) {
    clearTimeout(timer);
    throw mapError(error);
  }
}

let lastTarget: { href: string; origin: string; path: string } | undefined;

/** undici's origin and path for a URL. A batch sends every call to one URL, and computing origin costs more than reading href. */
function dispatchTarget(url: URL): { origin: string; path: string } {
  const href = url.href;
  if (lastTarget?.href !== href) lastTarget = { href, origin: url.origin, path: requestTarget(url) };
  return lastTarget;
}

/**
 * One attempt, answer read whole: for batches, where a body is small and never streamed. It talks
 * to undici's dispatcher directly, without an AbortSignal or a body stream, which costs about a
 * fifth less CPU per call than send(); --max-time aborts through the dispatch controller instead.
 */
export function sendWhole(call: CallRequest, dispatcher: Dispatcher, options: Pick<ConnectionOptions, 'timeouts' | 'proxy' | 'names'>, maxBodyBytes: number, signal?: AbortSignal): Promise<WholeResponse> {
  const { timeouts, proxy } = options;
  if (signal?.aborted) return Promise.reject(abortedError());
  return new Promise((resolve, reject) => {
    let controller: DispatchController | undefined;
    let timedOut = false;
    const onAbort = signal ? () => controller?.abort(abortedError()) : undefined;
    if (onAbort) signal?.addEventListener('abort', onAbort, { once: true });
    const settled = () => {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      controller?.abort(new Error('--max-time'));
    }, timeouts.totalMs);
    let status = 0;
    let firstByteAt = 0;
    let headers: WholeResponse['headers'] = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const { origin, path } = dispatchTarget(call.url);
    dispatcher.dispatch(
      {
        origin,
        path,
        method: call.httpMethod,
        headers: wireHeaders(call),
        body: call.body,
        reset: false,
      },
      {
        onRequestStart(started) {
          controller = started;
          // The limit passed while the call waited for a connection: it is never sent.
          if (timedOut) started.abort(new Error('--max-time'));
          else if (signal?.aborted) started.abort(abortedError());
        },
        onResponseStart(_controller, statusCode, responseHeaders) {
          firstByteAt = monotonicMs();
          status = statusCode;
          headers = responseHeaders as WholeResponse['headers'];
        },
        onResponseData(_controller, chunk) {
          size += chunk.length;
          if (size <= maxBodyBytes) chunks.push(chunk);
        },
        onResponseEnd() {
          settled();
          resolve(wholeAnswer({ status, headers }, { chunks, size }, maxBodyBytes, firstByteAt));
        },
        onResponseError(_controller, error) {
          settled();
          reject(timedOut ? maxTimeError(call.url, timeouts.totalMs, error, options.names) : signal?.aborted ? abortedError() : toNetworkError(withTlsAlert(error), call.url, proxy, options.names));
        },
      },
    );
  });
}

/** Calls over undici: on `dispatcher` when given (not closed here), else on a pool of its own. */
export function undiciTransport(options: ConnectionOptions, observer?: ExchangeObserver, dispatcher?: Dispatcher): Transport {
  const own = dispatcher ? undefined : createDispatcher(options, observer);
  const target = (dispatcher ?? own) as Dispatcher;
  return {
    send: (call) => send(call, target, options),
    sendWhole: (call, maxBodyBytes, signal) => sendWhole(call, target, options, maxBodyBytes, signal),
    close: async () => {
      await own?.destroy();
    },
  };
}

/** Wraps undici's connector to report each step of opening a connection (for -v). */
function observedConnector(connect: Connector, observer: ExchangeObserver): Connector {
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    observer.connecting({ host: options.hostname, port });
    const socket = connect(options, (error, ready) => {
      if (!error && ready) {
        const tls = 'getPeerCertificate' in ready ? tlsInfo(ready as TLSSocket) : undefined;
        observer.connected({ host: options.hostname, address: ready.remoteAddress ?? options.hostname, port: ready.remotePort ?? port, ...(tls ? { tls } : {}), ...(ready.localAddress && ready.localPort ? { local: { address: ready.localAddress, port: ready.localPort } } : {}) });
      }
      callback(error as Error, ready as never);
    }) as unknown as Socket | undefined; // undici's connector returns the socket, though its type says void
    socket?.once('lookup', (error: Error | null, address: string) => {
      if (!error) observer.resolved(address);
    });
    socket?.once('connect', () => observer.tcpConnected());
    return socket as never;
  };
}

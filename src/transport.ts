// Sends a CallRequest with undici. The only module that loads undici: commands import it lazily.
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import type { ExchangeObserver, TlsInfo } from './exchange.js';
import { TimeoutError } from './errors.js';
import { toNetworkError } from './network-errors.js';
import { ADDED_BY_UNDICI, type CallRequest } from './request.js';

export interface CallResponse {
  status: number;
  statusText: string;
  /** As received: names lower-cased by undici, repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface Timeouts {
  connectMs: number;
  /** The whole call, body included. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, totalMs: 30_000 };

export function createDispatcher(timeouts: Timeouts = DEFAULT_TIMEOUTS, observer?: ExchangeObserver): Dispatcher {
  const connect = buildConnector({ timeout: timeouts.connectMs });
  return new Agent({ connect: observer ? observedConnector(connect, observer) : connect });
}

/** Wraps undici's connector to report each step of opening a connection (for -v). */
function observedConnector(connect: buildConnector.connector, observer: ExchangeObserver): buildConnector.connector {
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    observer.connecting({ host: options.hostname, port });
    const socket = connect(options, (error, ready) => {
      if (!error && ready) {
        const tls = 'getPeerCertificate' in ready ? tlsInfo(ready as TLSSocket) : undefined;
        observer.connected({ host: options.hostname, address: ready.remoteAddress ?? options.hostname, port, ...(tls ? { tls } : {}) });
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

function tlsInfo(socket: TLSSocket): TlsInfo {
  const certificate = socket.getPeerCertificate();
  const name = (entity: Record<string, string | string[] | undefined> | undefined) =>
    entity ? Object.entries(entity).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`).join(', ') : '(none)';
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    subject: name(certificate.subject as unknown as Record<string, string>),
    issuer: name(certificate.issuer as unknown as Record<string, string>),
    validTo: certificate.valid_to ?? 'unknown',
  };
}

/**
 * One exchange. The returned body must be consumed; `finish` releases the timer. Errors, including
 * those raised later while the body streams, come out as OneOfficeErrors naming the host.
 */
export async function send(call: CallRequest, dispatcher: Dispatcher, timeouts: Timeouts = DEFAULT_TIMEOUTS): Promise<CallResponse & { mapError: (error: unknown) => Error; finish: () => void }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeouts.totalMs);
  const mapError = (error: unknown): Error =>
    controller.signal.aborted ? new TimeoutError(`no complete answer from ${call.url.host} within ${timeouts.totalMs / 1000} s (--max-time)`, 'E_MAX_TIME', { cause: error }) : toNetworkError(error, call.url);
  try {
    const response = await request(call.url, {
      method: call.httpMethod,
      headers: call.headers.filter(([name]) => !ADDED_BY_UNDICI.has(name)).flat(),
      body: call.body,
      dispatcher,
      signal: controller.signal,
    });
    return {
      status: response.statusCode,
      statusText: STATUS_CODES[response.statusCode] ?? '',
      headers: response.headers,
      body: response.body,
      mapError,
      finish: () => clearTimeout(timer),
    };
  } catch (error) {
    clearTimeout(timer);
    throw mapError(error);
  }
}

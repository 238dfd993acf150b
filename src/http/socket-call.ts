// A single call (`oneoffice <method> ...`) on a connection of its own, read by Node's own HTTP/1
// parser (parsed-connection.ts), without node:http's client. Loading and running node:http's request
// and response objects and its Agent code cost ~6 ms of a ~45 ms call (issue 21), and the call's
// target, 1.35x `node -e 0`, is below what a bare node:http script takes; a socket read by the same
// parser costs nothing measurable over a raw socket. What stays node:http's: the bytes sent (the
// head written by http1-text.ts with node:http's checks, an ASCII body in the same write), the
// parser, its leniency and its error codes, the errors of a connection that ends early ("socket hang
// up", "aborted"), the TLS options node:https would give tls.connect, and Nagle off as an Agent has
// it. -v and -w watch this connection through the same ExchangeObserver hooks. Where a Node hands
// out no parser, node-transport.ts sends the call instead (transport.ts chooses).
import { createConnection, isIP, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { requestTarget, type CallRequest } from '../api/request.js';
import type { ExchangeObserver } from './exchange.js';
import { headersFromRaw, requestHead, writeRequest } from './http1-text.js';
import { abortedError, connectTimeoutError, endpointOf, maxTimeError, toNetworkError } from './network-errors.js';
import { parsedConnection, type NodeParserModule } from './parsed-connection.js';
import { watchConnecting } from './connection-watch.js';
import { tlsClientOptions } from './client-cert.js';
import type { ConnectionOptions, SentResponse, Transport } from './transport.js';
import { readWhole, streamedResponse } from './whole-answer.js';
import { localNameLookup } from './local-names.js';

export type SocketCallOptions = Pick<ConnectionOptions, 'timeouts' | 'ca' | 'insecure' | 'clientCert' | 'names'> & {
  /** The process ends after this call: a connection whose answer was read whole is left to the exit (see finish). */
  leaveToExit?: boolean;
};

/** The connection of one call: TCP, or TLS with the options node:https would give tls.connect. */
async function connect(url: URL, host: string, port: number, options: SocketCallOptions): Promise<Socket> {
  if (url.protocol !== 'https:') return createConnection({ host, port, noDelay: true, lookup: localNameLookup });
  // node:tls (~5 ms) only for https.
  const tls = await import('node:tls');
  // node:https's Agent hands tls.connect its own `noDelay: true` (net's option, not in tls's types).
  const settings: import('node:tls').ConnectionOptions & { noDelay: boolean } = {
    host,
    port,
    noDelay: true,
    lookup: localNameLookup,
    ...(isIP(host) ? {} : { servername: host }),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.insecure ? { rejectUnauthorized: false } : {}),
    ...tlsClientOptions(options.clientCert),
  };
  return tls.connect(settings);
}

/** One attempt on a new connection; the body streams. Errors come out as OneOfficeErrors naming the host and the cause. */
export async function sendOnSocket(call: CallRequest, options: SocketCallOptions, parsers: NodeParserModule, observer?: ExchangeObserver, signal?: AbortSignal): Promise<SentResponse> {
  const { url } = call;
  const secure = url.protocol === 'https:';
  const { host, port } = endpointOf(url);
  const { timeouts } = options;
  // Refused before anything is sent, as node:http refuses it.
  const head = requestHead(call, requestTarget(url));
  observer?.connecting({ host, port });
  const socket = await connect(url, host, port, options);
  const link = parsedConnection(socket, parsers);

  return new Promise<SentResponse>((resolve, reject) => {
    let timedOut = false;
    let body: Readable | undefined;
    let complete = false;
    const mapError = (error: unknown): Error => (timedOut ? maxTimeError(url, timeouts.totalMs, error, options.names) : toNetworkError(error, url, undefined, options.names));
    // Before the answer, the attempt fails; after it began, its body does (writeResponse maps the error).
    const cut = (error: unknown) => {
      link.reader = undefined;
      socket.destroy();
      if (body) body.destroy(error as Error);
      else {
        finish();
        reject(mapError(error));
      }
    };
    const onAbort = () => cut(abortedError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const totalTimer = setTimeout(() => {
      // An answer read to its end was in time, however slowly it is printed.
      if (complete) return;
      timedOut = true;
      cut(new Error('--max-time'));
    }, timeouts.totalMs);
    let connectTimer: NodeJS.Timeout | undefined = setTimeout(() => cut(connectTimeoutError(url)), timeouts.connectMs);
    const connected = () => {
      clearTimeout(connectTimer);
      connectTimer = undefined;
    };
    function finish(): void {
      clearTimeout(totalTimer);
      connected();
      signal?.removeEventListener('abort', onAbort);
      // The process is about to end: its exit closes the connection. Closing it here would cost a
      // single call ~1 ms: Node creates process.stderr to close a socket (node:net compares every
      // socket it destroys with it), which the CLI otherwise never does (cli/stdio.ts). Its errors
      // from now on are heard and dropped (parsed-connection.ts listens), as an Agent's idle sockets' are.
      if (complete && options.leaveToExit) {
        socket.unref();
        return;
      }
      link.reader = undefined;
      socket.destroy();
    }

    watchConnecting(socket, { host, port, secure }, observer, connected);

    link.expect({
      head: (answer) => {
        // As node:http reads an answer: paused while the reader is behind, resumed when it asks; cut
        // before anyone listens for its errors, it throws none (failWhenHeard). Not destroyed at its
        // end (`autoDestroy`): its readers are done at 'end', and destroying it there would have Node
        // compile its destroy functions from source on every call.
        const stream: Readable = new Readable({
          autoDestroy: false,
          read: () => void socket.resume(),
          destroy: (error, callback) => failWhenHeard(stream, error, callback),
        });
        body = stream;
        resolve(streamedResponse({ status: answer.status, reason: answer.reason, headers: headersFromRaw(answer.raw), rawHeaders: answer.raw, httpVersion: answer.httpVersion }, stream, mapError, finish));
      },
      body: (chunk) => {
        if (!body?.push(chunk)) socket.pause();
      },
      complete: () => {
        complete = true;
        body?.push(null);
      },
      fail: cut,
    });
    writeRequest(socket, head, call.body);
  });
}

/**
 * A body cut short (its connection reset, a parse error, --max-time) fails with its error once a
 * reader listens for it, however late: the reader attaches after the answer's head has resolved the
 * call, and a connection may fail in the same packet, before it does (a bad chunk after the head).
 * No turn of the event loop is counted on; an error no one hears is never thrown.
 */
function failWhenHeard(stream: Readable, error: Error | null, callback: (error?: Error | null) => void): void {
  if (error === null || stream.listenerCount('error') > 0) {
    callback(error);
    return;
  }
  const heard = (event: string | symbol) => {
    if (event !== 'error') return;
    stream.off('newListener', heard);
    // After the listener is added (newListener comes before).
    process.nextTick(callback, error);
  };
  stream.on('newListener', heard);
}

/** A transport whose every attempt has a connection of its own, read by Node's parser. */
export function socketTransport(options: SocketCallOptions, parsers: NodeParserModule, observer?: ExchangeObserver): Transport {
  return {
    send: (call) => sendOnSocket(call, options, parsers, observer),
    sendWhole: async (call, maxBodyBytes, signal) => {
      if (signal?.aborted) throw abortedError();
      return readWhole(await sendOnSocket(call, options, parsers, observer, signal), maxBodyBytes, signal);
    },
    close: async () => undefined,
  };
}

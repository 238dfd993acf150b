// Calls straight to the server, on Node's own HTTP client, where Node's parser cannot be had without
// it: `oneoffice test`'s steps over TLS, kept alive in a node:http Agent, and, on a Node that hands
// out no parser (parsed-connection.ts nodeHttpParser), every direct call: a single call gets a new
// connection. Where the parser is had, a single call skips node:http's client, which costs ~6 ms of
// a ~45 ms call (socket-call.ts, issue 21), and so do the plain-HTTP steps of a test run
// (kept-connections.ts). undici takes ~25 ms to load and set up, more than the rest of a one-call
// process together (issue 7): batches, for throughput, and calls through a proxy go through it
// (undici-transport.ts). Like undici, node:http sends a GET with a body; it is given every header,
// host, connection and content-length included, in the order the printers show them, and adds none.
// Loaded only when used (transport.ts): a single call does not load node:http.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { createConnection, isIP, type Socket } from 'node:net';
import type { ExchangeObserver } from './exchange.js';
import { connectTimeoutError, endpointOf, maxTimeError, toNetworkError } from './network-errors.js';
import { requestTarget, type CallRequest } from '../api/request.js';
import type { ConnectionOptions, SentResponse, Transport, WholeResponse } from './transport.js';
import { abortedError } from './network-errors.js';
import { tlsClientOptions } from './client-cert.js';
import { headersFromRaw, IDLE_CONNECTION_MS } from './http1-text.js';
import type { KeptConnections } from './kept-connections.js';
import { watchConnecting } from './connection-watch.js';
import { readWhole, streamedResponse } from './whole-answer.js';
import { localNameLookup } from './local-names.js';

type DirectOptions = Pick<ConnectionOptions, 'timeouts' | 'ca' | 'insecure' | 'clientCert' | 'names'> & {
  /** Keep-alive agents (a pool); without them each attempt has a connection of its own. */
  agents?: KeepAliveAgents;
  /** The process ends after this call: a connection of its own whose answer was read whole is left to the exit (see finish). */
  leaveToExit?: boolean;
};

/**
 * What node:http takes for an Agent ("Agent-like": `addRequest`), for a connection of one attempt's
 * own: it says the connection may be kept (`keepAlive`), so node:http does not shut it down when the
 * answer ends; the attempt's finish closes it, or leaves it to the exit. Nothing is pooled.
 */
function ownConnection(open: () => Socket): HttpAgent {
  const agentLike = { keepAlive: true, addRequest: (req: ClientRequest) => req.onSocket(open()) };
  return agentLike as unknown as HttpAgent;
}

/**
 * One attempt: on a new connection, closed once the answer is read, or on a kept-alive one of
 * `options.agents`, given back once the answer was read whole. Errors come out as OneOfficeErrors.
 */
export async function sendDirect(call: CallRequest, options: DirectOptions, observer?: ExchangeObserver, signal?: AbortSignal): Promise<SentResponse> {
  const { url } = call;
  const secure = url.protocol === 'https:';
  // node:https loads node:tls (~5 ms): only for https.
  const request = secure ? (await import('node:https')).request : httpRequest;
  const agent = options.agents ? await options.agents.for(secure) : false;
  const { host, port } = endpointOf(url);
  const { timeouts } = options;
  // A single plain-HTTP call opens its own socket: `agent: false` would build an Agent for each
  // call, a cost of every single call (issue 21). An Agent's sockets have Nagle off; so has this one.
  let own: Socket | undefined;
  const connection = !agent && !secure ? { agent: ownConnection(() => (own = ignoringLateErrors(createConnection({ host, port, noDelay: true, lookup: localNameLookup })))) } : { agent };
  const requestOptions: RequestOptions & { rejectUnauthorized?: boolean; ca?: string; servername?: string; cert?: string; key?: string; passphrase?: string } = {
    host,
    port,
    lookup: localNameLookup,
    method: call.httpMethod,
    path: requestTarget(url),
    headers: call.headers.flat(),
    ...connection,
    ...(secure && !isIP(host) ? { servername: host } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.insecure ? { rejectUnauthorized: false } : {}),
    ...(secure ? tlsClientOptions(options.clientCert) : {}),
  };

  return new Promise<SentResponse>((resolve, reject) => {
    let timedOut = false;
    let answered = false;
    const mapError = (error: unknown): Error => (timedOut ? maxTimeError(url, timeouts.totalMs, error, options.names) : toNetworkError(error, url, undefined, options.names));
    observer?.connecting({ host, port });
    const req: ClientRequest = request(requestOptions);
    if (signal) {
      const onAbort = () => req.destroy(abortedError());
      signal.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    const totalTimer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('--max-time'));
    }, timeouts.totalMs);
    let connectTimer: NodeJS.Timeout | undefined = setTimeout(() => req.destroy(connectTimeoutError(url)), timeouts.connectMs);
    const connected = () => {
      clearTimeout(connectTimer);
      connectTimer = undefined;
    };
    let response: IncomingMessage | undefined;
    const finish = () => {
      clearTimeout(totalTimer);
      connected();
      // An answer read to its end leaves its connection to the agent for the next call; any other is cut.
      if (agent) {
        if (!response?.complete) req.destroy();
        return;
      }
      // The process is about to end: its exit closes the connection. Closing it here would cost a
      // single call ~1 ms: node:http's shutdown, and Node creates process.stderr (node:net compares
      // every socket it destroys with it), which the CLI otherwise never does (cli/stdio.ts).
      if (response?.complete && options.leaveToExit) {
        own?.unref();
        return;
      }
      req.destroy();
      own?.destroy();
    };

    req.once('socket', (socket: Socket) => {
      // A kept-alive connection is connected already: no 'connect' will come.
      if (agent && !socket.connecting) {
        connected();
        return;
      }
      watchConnecting(socket, { host, port, secure }, observer, connected);
    });
    req.on('error', (error) => {
      finish();
      // After the answer began, the error reaches the body stream, and writeResponse maps it.
      if (!answered) reject(mapError(error));
    });
    req.once('response', (answer: IncomingMessage) => {
      response = answer;
      answered = true;
      resolve(streamedResponse({ status: answer.statusCode ?? 0, reason: answer.statusMessage ?? '', headers: headersFromRaw(answer.rawHeaders), rawHeaders: answer.rawHeaders, httpVersion: answer.httpVersion }, answer, mapError, finish));
    });
    if (isAscii(call.body)) req.end(call.body, 'latin1');
    else req.end(Buffer.from(call.body));
  });
}

/**
 * How the body is handed to node:http. node:http writes the headers as Latin-1 (as undici does):
 * a body of ASCII alone is the same bytes in Latin-1, so it goes as a string, which node:http
 * joins to the headers and sends in one write; any other goes as its UTF-8 bytes, after the headers.
 */
function isAscii(body: string): boolean {
  return Buffer.byteLength(body) === body.length;
}

/**
 * node:http stops listening to a connection it may keep once the answer has ended; one left open for
 * the exit may still be reset by the server, which must not throw (as an Agent's idle sockets do not).
 */
function ignoringLateErrors(socket: Socket): Socket {
  return socket.on('error', () => undefined);
}

/**
 * A transport on node:http: one connection per attempt (a single call, where starting fast matters
 * most), or, given `keepAlive`, up to that many connections per origin kept alive between calls.
 */
export function nodeTransport(options: DirectOptions, observer?: ExchangeObserver, keepAlive?: { connections: number; kept?: KeptConnections }): Transport {
  const agents = keepAlive ? keepAliveAgents(keepAlive.connections) : undefined;
  const settings = agents ? { ...options, agents } : options;
  // Plain-HTTP answers read whole, with no -v to watch them: Node's parser on kept sockets (kept-connections.ts).
  const kept = observer ? undefined : keepAlive?.kept;
  return {
    send: (call) => sendDirect(call, settings, observer),
    sendWhole: (call, maxBodyBytes, signal) => (kept && call.url.protocol === 'http:' ? kept.sendWhole(call, options, maxBodyBytes, signal) : sendDirectWhole(call, settings, maxBodyBytes, signal, observer)),
    close: async () => {
      kept?.destroy();
      await agents?.destroy();
    },
  };
}

interface KeepAliveAgents {
  for(secure: boolean): Promise<HttpAgent>;
  destroy(): Promise<void>;
}

/** An http and (made on first use) an https Agent; TLS options are part of the https Agent's pool key. */
function keepAliveAgents(connections: number): KeepAliveAgents {
  const settings = { keepAlive: true, maxSockets: Math.max(1, connections), timeout: IDLE_CONNECTION_MS };
  const http = new HttpAgent(settings);
  // The promise, not the Agent: --jobs workers starting together must share one https Agent.
  let https: Promise<HttpAgent> | undefined;
  return {
    for: (secure) => (secure ? (https ??= import('node:https').then((module) => new module.Agent(settings))) : Promise.resolve(http)),
    destroy: async () => {
      http.destroy();
      (await https)?.destroy();
    },
  };
}

async function sendDirectWhole(call: CallRequest, options: DirectOptions, maxBodyBytes: number, signal: AbortSignal | undefined, observer?: ExchangeObserver): Promise<WholeResponse> {
  if (signal?.aborted) throw abortedError();
  return readWhole(await sendDirect(call, options, observer, signal), maxBodyBytes, signal);
}

// A local, stateful OneOffice API (`oneoffice mock`, also usable from code): node's http server,
// one JSON answer per call, checks in the order a real deployment would apply them. Loads neither
// undici nor conf, so it starts fast.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv6, Socket, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { MAX_PARAMS_BYTES, type Params } from '../api/params.js';
import { createRegistry, type Registry } from '../api/schema/registry.js';
import { builtinSchemas } from '../generated/builtin.js';
import { fail, methodHandlers, type Answer, type Handler } from './methods.js';
import { loadParamsCheck, parseCallBody, tokenChecker, unreadableRequestAnswer, type ParsedCall } from './protocol.js';
import { StateLog } from './state-log.js';
import { MockState } from './state.js';
import { rateLimiter } from './rate-limit.js';

export interface MockServerOptions {
  /** Default 127.0.0.1: the server is for this machine only. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default: a random token. */
  token?: string;
  /** Load the state from this file and keep it up to date. */
  statePath?: string;
  /** Delay before every answer. */
  latencyMs?: number;
  /** The share of calls (0..1) answered 503 with Retry-After, before anything else is checked. */
  failRate?: number;
  /** Calls accepted per second at most (a token bucket of one second's worth); others get 429 with Retry-After, and do nothing. */
  rateLimitPerS?: number;
  /** Monotonic milliseconds for the rate limit's bucket (default: the process's monotonic clock); injected by tests. */
  now?: () => number;
  /** One line per call (method, status, time); never the token or a password. */
  log?: (line: string) => void;
  /** The method schemas params are validated with: the same as the client's (default: the built-in ones). */
  registry?: Registry;
  /**
   * Answers the calls that passed the wire checks instead of the built-in methods: the real API
   * behind `--upstream`, a recording behind `--replay` (mock/upstream.ts, mock/replay.ts).
   */
  backend?: MockBackend;
}

/** An answer passed on as it came: its body is sent byte for byte, not re-serialised. */
export interface RawAnswer {
  kind: 'raw';
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body as the log may show it, when it differs (a secret param the upstream quoted back, masked). */
  shown?: string;
}

export interface MockBackend {
  /** The methods it answers (default: the registry's). */
  methods?: readonly string[];
  answer(call: { method: string; params: Params }): Promise<RawAnswer>;
  /** Called once the server has stopped (a summary, a file to close). */
  close?(): Promise<void>;
}

export interface MockServer {
  /** The endpoint, e.g. http://127.0.0.1:8787/ (any path on it serves the API). */
  url: string;
  token: string;
  port: number;
  /** Stops accepting calls, answers those in flight, writes the state file; resolves when all is done. */
  close(): Promise<void>;
}

/**
 * Params of up to 1 MiB, the most every client front end lets through (--params, batch lines,
 * scenario steps), in their {"method", "params"} envelope: a call the client sends is never a 413.
 */
const MAX_BODY_BYTES = MAX_PARAMS_BYTES + 4096;
/** Long enough for clients to reuse connections across a burst of calls. */
const KEEP_ALIVE_MS = 5000;
/** How long close() lets unfinished requests (slow uploads) run before cutting them off. */
const CLOSE_GRACE_MS = 2000;

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const log = options.log ?? (() => {});
  const token = options.token ?? randomToken();
  const latencyMs = options.latencyMs ?? 0;
  const failRate = options.failRate ?? 0;
  const limiter = options.rateLimitPerS === undefined ? undefined : rateLimiter(options.rateLimitPerS, options.now);
  const registry = options.registry ?? createRegistry(builtinSchemas);
  const { backend } = options;
  const methodNames = backend ? (backend.methods ?? registry.names()) : Object.keys(methodHandlers);
  const checkParams = await loadParamsCheck(registry, methodNames);
  const isToken = tokenChecker(token);

  const { statePath } = options;
  // Opened (and so written) now, so a path that cannot be written fails at start rather than at the first call.
  const stored = statePath === undefined ? undefined : await StateLog.open(statePath);
  const state = stored?.state ?? new MockState();
  const stateLog = stored?.log;

  let closing = false;
  let baseUrl = '';
  /** Answers waiting out --latency; close() releases them at once. */
  const waiting = new Set<() => void>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closing || ms <= 0) return resolve();
      const release = () => {
        clearTimeout(timer);
        waiting.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      waiting.add(release);
    });

  /** `call` is undefined when the body was over the size limit. */
  function answer(req: IncomingMessage, call: ParsedCall | undefined): Answer | Promise<RawAnswer> {
    if (failRate > 0 && Math.random() < failRate) return fail('service unavailable (simulated failure): retry after 1 second', 503, { 'retry-after': '1' });
    const allowed = limiter?.take();
    if (allowed && !allowed.ok) return fail(`rate limit of ${options.rateLimitPerS} calls per second exceeded: retry after ${allowed.retryAfterS} s`, 429, { 'retry-after': String(allowed.retryAfterS) });
    const key = req.headers['x-api-key'];
    if (key === undefined) return fail('missing x-api-key header: send your API token in it', 401);
    if (!isToken(String(key))) return fail('invalid API key', 401);
    if (req.method !== 'GET') return fail(`HTTP method ${req.method ?? ''} not allowed: the API takes GET with a JSON body`, 405, { allow: 'GET' });
    if (call === undefined) return fail('body larger than 1 MiB of params in {"method": "...", "params": {...}}', 413);
    if ('problem' in call) return fail(call.problem);
    const problems = checkParams(call.method, call.params);
    if (problems.length) return fail(problems.join('; '));
    if (backend) return backend.answer(call);
    // parseCallBody accepts only the names of methodHandlers.
    return (methodHandlers[call.method as keyof typeof methodHandlers] as Handler)(call.params, { state, baseUrl });
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let body: string | undefined;
    try {
      body = await readBody(req);
    } catch {
      return; // The client went away mid-request; there is no one to answer.
    }
    const call = body === undefined ? undefined : parseCallBody(body, methodNames);
    let result: Answer | RawAnswer;
    try {
      result = await answer(req, call);
      // Nothing is acknowledged (nor shown) before it is on disk: it must survive kill -9.
      await stateLog?.durable();
    } catch (error) {
      result = fail(`internal error in the mock server: ${(error as Error).message}`, 500);
    }
    await delay(latencyMs);
    send(res, result, closing);
    const label = call && 'method' in call ? call.method : '-';
    const detail = result.status === 200 ? '' : 'kind' in result ? `: ${(result.shown ?? result.body).slice(0, 200)}` : typeof result.body === 'string' ? `: ${result.body}` : '';
    log(`${label} ${result.status} ${(performance.now() - started).toFixed(1)}ms${detail}`);
  }

  const server = createServer((req, res) => void serve(req, res));
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // As Node answers such a request (nothing when an answer was already written on the connection), but with a JSON string.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (socket.writable && socket instanceof Socket && socket.bytesWritten === 0) socket.end(unreadableRequestAnswer(error.code));
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    // The state file is let go of, for another try.
    const failed = (error: Error) => void (stateLog?.close() ?? Promise.resolve()).finally(() => reject(error));
    server.once('error', failed);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${isIPv6(address.address) ? `[${address.address}]` : address.address}:${address.port}/`;

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      for (const release of waiting) release();
      server.closeIdleConnections();
      const cutOff = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      await stopped;
      clearTimeout(cutOff);
      await stateLog?.close();
      await backend?.close?.();
    })());

  return { url: baseUrl, token, port: address.port, close };
}

/** The body as text, or undefined when it is over the size limit (read to the end all the same, so the connection stays usable). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
    req.on('error', reject);
  });
}

/** Every answer is JSON (a backend's as it came); while closing, clients are told not to reuse the connection. */
function send(res: ServerResponse, answer: Answer | RawAnswer, closing: boolean): void {
  const raw = 'kind' in answer;
  const text = raw ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...(raw ? {} : { 'content-type': 'application/json' }),
    ...answer.headers,
    'content-length': Buffer.byteLength(text),
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(text);
}

// The text of HTTP/1.1 as node:http writes and reads it, for the connections oneoffice reads with
// Node's parser itself (socket-call.ts, kept-connections.ts): the request's head with node:http's
// checks and how it is written, the answer's headers as the transports give them, how long an
// answer lets its connection be reused, and the error of a connection that ends before its answer
// does.
import { isHttpToken, sendableInHeader } from '../api/header-lines.js';
import type { Socket } from 'node:net';
import type { CallRequest } from '../api/request.js';

/**
 * Idle connections are not reused after this (sooner when the server's Keep-Alive hint asks), as
 * undici does: Node's Agent honours the hint only below its own timeout, and without one it would
 * reuse a connection the server has already closed (a step after a long retry-until pause: "reset").
 */
export const IDLE_CONNECTION_MS = 4000;
/** node:http keeps this much of a server's Keep-Alive timeout in hand, against a close in transit. */
const HINT_MARGIN_MS = 1000;
/** node:http keeps at most this many names and values of an answer's headers (its maxHeaderPairs, which counts both): 1000 lines. */
export const MAX_HEADER_ENTRIES = 2000;

/** Headers as undici gives them: names lower-cased, a repeated header as an array. */
export function headersFromRaw(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const existing = headers[name];
    headers[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return headers;
}

/** Errors as node:http raises them when a connection ends before its answer does. */
export function connectionReset(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

/** node:http's checks of what it writes (the same expressions): a bad name or value (or path) is refused before anything is sent. */
export function requestHead(call: CallRequest, target: string): string {
  if (/[^\u0021-\u00ff]/.test(target)) throw Object.assign(new TypeError('Request path contains unescaped characters'), { code: 'ERR_UNESCAPED_CHARACTERS' });
  let head = `${call.httpMethod} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of call.headers) {
    if (!isHttpToken(name)) throw Object.assign(new TypeError('Header name must be a valid HTTP token'), { code: 'ERR_INVALID_HTTP_TOKEN' });
    if (!sendableInHeader(value)) throw Object.assign(new TypeError('Invalid character in a header value'), { code: 'ERR_INVALID_CHAR' });
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

/** How long an answer lets its connection be reused: 0 when it may not be. */
export function reuseForMs(raw: readonly string[], keepAlive: boolean): number {
  if (!keepAlive) return 0;
  const hint = raw.findIndex((entry, i) => i % 2 === 0 && entry.toLowerCase() === 'keep-alive');
  const seconds = hint === -1 ? undefined : /^timeout=(\d+)/.exec(raw[hint + 1] as string)?.[1];
  if (seconds === undefined) return IDLE_CONNECTION_MS;
  return Math.max(0, Math.min(IDLE_CONNECTION_MS, Number(seconds) * 1000 - HINT_MARGIN_MS));
}

/**
 * Writes a request as node:http does: a body of ASCII alone is the same bytes in Latin-1, so it goes
 * joined to the head in one write; any other goes as its UTF-8 bytes after the head (corked: one
 * writev). `written` runs once the bytes are handed to the system.
 */
export function writeRequest(socket: Socket, head: string, body: string, written?: () => void): void {
  if (Buffer.byteLength(body) === body.length) {
    socket.write(head + body, 'latin1', written);
    return;
  }
  socket.cork();
  socket.write(head, 'latin1');
  socket.write(Buffer.from(body), written);
  socket.uncork();
}

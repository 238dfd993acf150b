// A connection read by Node's own HTTP/1 parser (llhttp, what node:http parses with), without
// node:http's client: the part a single call (socket-call.ts) and `oneoffice test`'s kept-alive
// connections (kept-connections.ts) share. The parser's callbacks, interim 1xx answers skipped, the
// end of a connection before the end of its answer (node:http's "socket hang up" and "aborted"), and
// parse errors with node:http's codes (HPE_...) all live here once; what an answer is read into is
// the caller's (an `AnswerReader`).
import type { Socket } from 'node:net';
import type { HTTPParser as NodeHttpParser } from '_http_common';
import { connectionReset, MAX_HEADER_ENTRIES } from './http1-text.js';

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
 * without what is used here, undefined, and calls go through node:http instead (node-transport.ts).
 * `load` hands out Node's own modules: process.getBuiltinModule, which runs none of require()'s
 * functions (Node compiles those from source on their first use, ~0.25 ms of a call).
 */
export function nodeHttpParser(load: (name: string) => unknown = (name) => process.getBuiltinModule(name)): NodeParserModule | undefined {
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

/** The final answer's head, as the parser gave it. */
export interface AnswerHead {
  status: number;
  /** The server's own reason phrase. */
  reason: string;
  /** Names and values in turn, as sent (at most MAX_HEADER_ENTRIES, as node:http keeps). */
  raw: string[];
  /** The answer and its HTTP version let the connection be reused. */
  keepAlive: boolean;
  /** '1.1', '1.0'. */
  httpVersion: string;
}

/** Where the answer of the call in flight goes. After `complete` or `fail`, nothing more comes to it. */
export interface AnswerReader {
  head(head: AnswerHead): void;
  body(chunk: Buffer): void;
  complete(): void;
  /** The connection failed before the answer's end: a parse error, a reset, its end or its close. */
  fail(error: unknown): void;
}

export interface ParsedConnection {
  readonly socket: Socket;
  /** The call in flight, if any. */
  reader: AnswerReader | undefined;
  /** Starts reading an answer for a new call on this connection. */
  expect(reader: AnswerReader): void;
}

/**
 * Reads `socket`'s answers with a parser of its own. Bytes that come with no call in flight (after a
 * complete answer), a second head for one call and a switch of protocol put the connection out of
 * step: it is destroyed. `closed` runs once the socket has closed (after the reader of a call cut
 * short has been told).
 */
export function parsedConnection(socket: Socket, parsers: NodeParserModule, closed?: () => void): ParsedConnection {
  const { HTTPParser, isLenient, prepareError } = parsers;
  const lenient = isLenient() ? HTTPParser.kLenientAll : HTTPParser.kLenientNone;
  const parser = new HTTPParser();
  let answered = false;
  /** Header lines of an answer whose head came in pieces (the parser hands over long heads so). */
  const partial: string[] = [];
  const connection: ParsedConnection = {
    socket,
    reader: undefined,
    expect(reader) {
      connection.reader = reader;
      answered = false;
      partial.length = 0;
      parser.initialize(HTTPParser.RESPONSE, {}, 0, lenient);
    },
  };
  const fail = (error: unknown) => {
    const reader = connection.reader;
    connection.reader = undefined;
    reader?.fail(error);
  };
  const cut = () => connectionReset(answered ? 'aborted' : 'socket hang up');
  parser[HTTPParser.kOnHeaders] = (lines: string[]) => void partial.push(...lines);
  parser[HTTPParser.kOnHeadersComplete] = (major: number, minor: number, lines: string[] | undefined, _method: unknown, _url: unknown, status: number, reason: string, upgrade: boolean, keepAlive: boolean) => {
    const raw = lines ?? partial.splice(0);
    if (!connection.reader || answered || upgrade) {
      // An answer to no call, a second answer, or a switch of protocol: the connection is out of step.
      socket.destroy();
      return 0;
    }
    // 1xx (but 101): an interim answer; the final one follows.
    if (status >= 100 && status < 200) return 1;
    answered = true;
    connection.reader.head({ status, reason, raw: raw.length > MAX_HEADER_ENTRIES ? raw.slice(0, MAX_HEADER_ENTRIES) : raw, keepAlive, httpVersion: `${major}.${minor}` });
    return status === 304 ? 1 : 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => connection.reader?.body(chunk);
  parser[HTTPParser.kOnMessageComplete] = () => {
    const reader = connection.reader;
    if (!reader || !answered) return;
    connection.reader = undefined;
    reader.complete();
  };
  socket.on('data', (data: Buffer) => {
    if (!connection.reader) {
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
    if (connection.reader) parser.finish();
    fail(cut());
    socket.destroy();
  });
  socket.on('error', fail);
  socket.on('close', () => {
    fail(cut());
    parser.close();
    closed?.();
  });
  return connection;
}

// An answer as the transports hand it on: the streamed answer of the two direct ones, a call on
// node:http (node-transport.ts) and one on a socket of its own (socket-call.ts), and that answer read
// whole (doctor's probe, `oneoffice test` over TLS); and the whole answer every transport makes of
// what it read (undici's, kept connections'). One place, so that all name, drop, keep, cut and fail
// an answer alike.
import type { Readable } from 'node:stream';
import { monotonicMs } from '../api/clock.js';
import { utf8Text } from '../api/read-all.js';
import { abortedError } from './network-errors.js';
import { statusTextOf } from './status-texts.js';
import type { CallResponse, SentResponse, WholeResponse } from './transport.js';

/** What a direct transport read of an answer's head. */
export type AnswerHeadRead = Pick<CallResponse, 'status' | 'headers' | 'rawHeaders'> & { reason: string; httpVersion: string };

/**
 * The answer of a direct call, its body streamed: `mapError` maps the body's errors as the call's,
 * `finish` releases the connection (once the body is consumed); `discard` drops the body (an answer
 * that will be retried) and finishes.
 */
export function streamedResponse(head: AnswerHeadRead, body: Readable, mapError: (error: unknown) => Error, finish: () => void): SentResponse {
  return {
    status: head.status,
    // Messages name the status as undici's path does; -v shows the server's own words.
    statusText: statusTextOf(head.status),
    reason: head.reason,
    headers: head.headers,
    ...(head.rawHeaders ? { rawHeaders: head.rawHeaders } : {}),
    httpVersion: head.httpVersion,
    body,
    mapError,
    finish,
    discard: async () => {
      try {
        for await (const chunk of body) void chunk;
      } catch {
        // An answer being dropped for a retry: its body cut short (--max-time, a reset) changes nothing.
      } finally {
        finish();
      }
    },
  };
}

const nothingToDiscard = async (): Promise<void> => undefined;

/**
 * An answer read whole: its body's kept chunks as text, or none when the body (`size` bytes in all)
 * was longer than `maxBodyBytes`; the status named by its standard words.
 */
export function wholeAnswer(head: Pick<WholeResponse, 'status' | 'headers'>, body: { chunks: readonly Buffer[]; size: number }, maxBodyBytes: number, firstByteAt: number): WholeResponse {
  const truncated = body.size > maxBodyBytes;
  return { status: head.status, statusText: statusTextOf(head.status), headers: head.headers, text: truncated ? '' : utf8Text(body.chunks), truncated, firstByteAt, discard: nothingToDiscard };
}

/** The body of `response`, kept up to `maxBodyBytes`; `signal` abandons it (E_ABORTED). Its connection is finished either way. */
export async function readWhole(response: SentResponse, maxBodyBytes: number, signal: AbortSignal | undefined): Promise<WholeResponse> {
  const firstByteAt = monotonicMs();
  const onAbort = () => response.body.destroy(abortedError());
  signal?.addEventListener('abort', onAbort, { once: true });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    size = await readBody(response.body, chunks, maxBodyBytes);
  } catch (error) {
    throw signal?.aborted ? abortedError() : response.mapError(error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    response.finish();
  }
  return wholeAnswer(response, { chunks, size }, maxBodyBytes, firstByteAt);
}

/**
 * The answer's body into `chunks` (up to `maxBodyBytes`; its whole size is returned), by its events:
 * what `for await` does, without its async iterator, stream watcher and promise per chunk (a test
 * run reads one body a step). Fails as the iterator would: with the stream's error, or, closed
 * before its end without one, with Node's "Premature close".
 */
function readBody(body: Readable, chunks: Buffer[], maxBodyBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let ended = false;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    body.once('end', () => {
      ended = true;
      resolve(size);
    });
    body.once('error', reject);
    body.once('close', () => {
      if (!ended) reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  });
}

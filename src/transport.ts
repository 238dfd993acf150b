// Sends a CallRequest with undici. The only module that loads undici: commands import it lazily.
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
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

export function createDispatcher(timeouts: Timeouts = DEFAULT_TIMEOUTS): Dispatcher {
  return new Agent({ connect: { timeout: timeouts.connectMs } });
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

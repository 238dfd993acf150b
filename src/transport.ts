// Sends a CallRequest with undici. The only module that loads undici: commands import it lazily.
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { toNetworkError } from './network-errors.js';
import type { CallRequest } from './request.js';

export interface CallResponse {
  status: number;
  statusText: string;
  /** As received: names lower-cased by undici, repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface SendOptions {
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

export async function send(call: CallRequest, options: SendOptions = {}): Promise<CallResponse> {
  try {
    const response = await request(call.url, {
      method: call.httpMethod,
      headers: call.headers.flat(),
      body: call.body,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      status: response.statusCode,
      statusText: STATUS_CODES[response.statusCode] ?? '',
      headers: response.headers,
      body: response.body,
    };
  } catch (error) {
    throw toNetworkError(error, call.url);
  }
}

/** Wraps errors raised while the body streams (reset, stall) the same way as those before it. */
export function bodyErrors(call: CallRequest) {
  return (error: unknown) => toNetworkError(error, call.url);
}

// The one executor: a call's attempts over a transport, with the retries that are safe for its
// method (api/retry.ts), reporting each attempt for -v. Single calls take the answer streamed; batch
// lines and the library client take it whole, classified (api/answer.ts), as a value that never throws.
import { classifyAnswer, type Answer, type AnswerHead } from '../api/answer.js';
import type { CallRequest } from '../api/request.js';
import { withRetries, type RetryOptions } from '../api/retry.js';
import type { SentResponse, Transport, WholeResponse } from '../http/transport.js';
import { monotonicMs } from '../api/clock.js';
import { abortedError } from '../http/network-errors.js';
import type { Throttle } from './throttle.js';

export type RetryPolicy = Pick<RetryOptions, 'retries' | 'retryMaxTimeMs' | 'retryDelayMs' | 'idempotent'>;

export interface ExecuteOptions {
  retry: RetryPolicy;
  /** Said before each pause: "retrying in 2.1 s (503 Service Unavailable), 1 left". */
  onRetry?: (message: string) => void;
  /** Said when a retryable failure is not retried although attempts were left (Retry-After too long). */
  onGiveUp?: (message: string) => void;
  /** An attempt begins (the first, or a retry). */
  onAttempt?: () => void;
  /** An attempt's answer began (its status and headers). */
  onResponseHead?: (response: SentResponse) => void;
  /** Injected pause (tests; a batch cuts pauses short when it stops). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** The pace shared by the calls of a run: every attempt waits for it, and tells it what the server said. */
  throttle?: Throttle;
  /** The first attempt's place in the pace was taken by the caller (a batch's gate starts calls only when the pace allows). */
  admitted?: boolean;
  /** Masks secrets in the body before the server's message is made from it (api/answer.ts classifyAnswer). */
  mask?: (text: string) => string;
}

/** The final attempt's answer, its body still to be read (the caller streams it, then calls finish()). */
export function executeStreamed(transport: Transport, call: CallRequest, options: ExecuteOptions): Promise<SentResponse> {
  const attempt = async (): Promise<SentResponse> => {
    options.onAttempt?.();
    const response = await transport.send(call);
    options.onResponseHead?.(response);
    return response;
  };
  return withRetries(attempt, retryOptions(options));
}

/** What became of a call read whole: an answer (success or failure), or no answer at all. */
export type Execution =
  | { kind: 'answer'; head: AnswerHead; text: string; truncated: boolean; answer: Answer; attempts: number; seconds: Seconds }
  | { kind: 'error'; error: unknown; attempts: number; seconds: Seconds };

/** From the start of the last attempt to its first byte and to its end, in seconds (curl -w's time_starttransfer, time_total). */
export interface Seconds {
  starttransfer?: number;
  total: number;
}

/** Never throws: every failure is a value (batches make thousands of calls, most on a hot path). */
export async function executeWhole(transport: Transport, call: CallRequest, maxBodyBytes: number, options: ExecuteOptions & { signal?: AbortSignal }): Promise<Execution> {
  let attempts = 0;
  let started = 0;
  try {
    const { throttle } = options;
    const attempt = async (sleep: ((ms: number) => Promise<void>) | undefined): Promise<WholeResponse> => {
      attempts++;
      if (throttle && (attempts > 1 || !options.admitted)) await throttle.acquire(sleep ?? sleepMs, options.signal);
      started = monotonicMs();
      options.onAttempt?.();
      if (!throttle) return transport.sendWhole(call, maxBodyBytes, options.signal);
      const sentAt = throttle.nowMs();
      const answered = await transport.sendWhole(call, maxBodyBytes, options.signal);
      throttle.observe(answered.status, answered.headers['retry-after'], sentAt);
      return answered;
    };
    // No retries (the default for creates): one attempt, without building the retry options (a batch makes thousands).
    let response: WholeResponse;
    if (options.retry.retries > 0) {
      const retry = retryOptions(options, options.signal);
      response = await withRetries(() => attempt(retry.sleep), retry);
    } else {
      response = await attempt(options.signal ? abortableSleep(options.signal, options.sleep) : options.sleep);
    }
    const seconds = { starttransfer: (response.firstByteAt - started) / 1000, total: (monotonicMs() - started) / 1000 };
    const answer = classifyAnswer(response, { text: response.text, bytes: response.truncated ? maxBodyBytes + 1 : Buffer.byteLength(response.text), complete: !response.truncated }, options.mask);
    return { kind: 'answer', head: response, text: response.text, truncated: response.truncated, answer, attempts, seconds };
  } catch (error) {
    return { kind: 'error', error, attempts, seconds: { total: (monotonicMs() - started) / 1000 } };
  }
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function retryOptions(options: ExecuteOptions, signal?: AbortSignal): RetryOptions {
  const sleep = signal ? abortableSleep(signal, options.sleep) : options.sleep;
  return {
    ...options.retry,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.onGiveUp ? { onGiveUp: options.onGiveUp } : {}),
    ...(sleep ? { sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
}

/** A pause between attempts that the signal ends at once, with E_ABORTED (a Retry-After may ask for minutes). */
function abortableSleep(signal: AbortSignal, sleep?: (ms: number) => Promise<void>): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(abortedError());
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      if (sleep) sleep(ms).then(done, reject);
      else timer = setTimeout(done, ms);
    });
}

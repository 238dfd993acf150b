// Retrying only what is safe. Any method may be retried when the request never reached the server
// (the connection failed) or the server said so (429, 503); other 5xx answers and failures after
// the request was sent only for methods the schema marks idempotent (reads): a second
// createFirstOrder may create a second order.
import { isOneOfficeError } from './errors.js';

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  /** Stop retrying once this much time has passed since the first attempt (0: no limit). */
  retryMaxTimeMs: number;
  /** A fixed pause between attempts (curl's --retry-delay); otherwise exponential backoff with jitter. */
  retryDelayMs?: number;
  idempotent: boolean;
  onRetry?: (message: string) => void;
  /** Told why a retryable failure is not retried although attempts were left (the wait is too long). */
  onGiveUp?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface AttemptResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  /** Throws away the body of an answer that will be retried (it never reaches stdout). */
  discard(): Promise<void>;
}

/** Error codes (see network-errors.ts) for failures before the request was written. */
const BEFORE_SEND = new Set(['E_CONNREFUSED', 'E_CONNECT_TIMEOUT', 'E_UNREACHABLE', 'E_DNS_TEMPORARY', 'E_PROXY_CONNECT']);
/** Failures after the request may have reached the server. */
const AFTER_SEND = new Set(['E_CONNRESET', 'E_TIMEOUT', 'E_MAX_TIME']);

/** The failure (its code) came before the request was written: sending again cannot repeat it on the server. */
export function neverReachedServer(code: string): boolean {
  return BEFORE_SEND.has(code);
}

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 30_000;
/**
 * Without --retry-max-time, the longest Retry-After honoured: a server asking for more (an hour, or
 * 99999999 s) is not waited for; the answer it gave is final.
 */
export const RETRY_AFTER_CAP_MS = 600_000;

/** Why this answer may be retried, or undefined when it is final. */
export function retryableStatus(status: number, statusText: string, idempotent: boolean): string | undefined {
  const reason = `${status} ${statusText}`.trim();
  if (status === 429 || status === 503) return reason;
  if (status >= 500 && idempotent) return reason;
  return undefined;
}

export function retryableError(error: unknown, idempotent: boolean): string | undefined {
  if (!isOneOfficeError(error)) return undefined;
  if (BEFORE_SEND.has(error.code) || (idempotent && AFTER_SEND.has(error.code))) return error.message;
  return undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  // An HTTP date names its month and zone in letters; V8's Date.parse also reads "1.5" or "-3" as dates (of 2001).
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffMs(attempt: number, random: () => number): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(exponential * (0.5 + random()));
}

export async function withRetries<R extends AttemptResponse>(attempt: () => Promise<R>, options: RetryOptions): Promise<R> {
  // No retries (the default for creates): the attempt alone, without the bookkeeping (a batch makes thousands).
  if (options.retries <= 0) return attempt();
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const started = now();
  for (let attemptIndex = 0; ; attemptIndex++) {
    let response: R | undefined;
    let failure: unknown;
    try {
      response = await attempt();
    } catch (error) {
      failure = error;
    }
    const reason = response ? retryableStatus(response.status, response.statusText, options.idempotent) : retryableError(failure, options.idempotent);
    const left = options.retries - attemptIndex;
    const retryAfter = response ? retryAfterMs(response.headers['retry-after'], now()) : undefined;
    const delay = retryAfter ?? options.retryDelayMs ?? backoffMs(attemptIndex, random);
    const outOfTime = options.retryMaxTimeMs > 0 && now() + delay - started > options.retryMaxTimeMs;
    const tooLong = options.retryMaxTimeMs <= 0 && retryAfter !== undefined && retryAfter > RETRY_AFTER_CAP_MS;
    if (reason === undefined || left <= 0 || outOfTime || tooLong) {
      if (reason !== undefined && left > 0) options.onGiveUp?.(giveUpMessage(reason, retryAfter, options.retryMaxTimeMs));
      if (response) return response;
      throw failure;
    }
    await response?.discard();
    options.onRetry?.(`retrying in ${(delay / 1000).toFixed(1)} s (${reason}), ${left - 1} left`);
    await sleep(delay);
  }
}

function giveUpMessage(reason: string, retryAfterMs: number | undefined, retryMaxTimeMs: number): string {
  const seconds = (ms: number) => `${Number.isFinite(ms) ? Math.ceil(ms / 1000) : 'forever'} s`;
  const limit = retryMaxTimeMs > 0 ? `--retry-max-time (${seconds(retryMaxTimeMs)})` : `the ${seconds(RETRY_AFTER_CAP_MS)} oneoffice waits at most without --retry-max-time`;
  if (retryAfterMs !== undefined) return `not retrying (${reason}): the server asks to wait ${seconds(retryAfterMs)} (Retry-After), longer than ${limit}`;
  return `not retrying (${reason}): the next attempt would start after ${limit}`;
}

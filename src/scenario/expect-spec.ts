// A step's `expect` and `retry-until` as data, with a problem reported for each key or value
// that is not as the format says (see format.ts for the rest of a scenario file).
import { MAX_DURATION_S } from '../config/network.js';
import { closest } from '../api/suggest.js';
import { isRecord } from './template.js';

export const MATCHER_OPS = ['equals', 'matches', 'exists', 'type', 'lt', 'le', 'gt', 'ge', 'length'] as const;
export type MatcherOp = (typeof MATCHER_OPS)[number];
/** One or more conditions on a value, all of which must hold. */
export type Matcher = Array<{ op: MatcherOp; arg: unknown }>;

export interface BodyExpectation {
  query: string;
  matcher: Matcher;
  line: number;
}

export interface ExpectSpec {
  /** Default: any 2xx. */
  status?: number;
  body: BodyExpectation[];
  /** On the server's error message. */
  error?: Matcher;
  /** On the step's time in milliseconds. */
  duration?: Matcher;
  /** Check the answer against the method's response schema (x-response), when it has one. */
  schema: boolean;
}

const EXPECT_KEYS = ['status', 'body', 'error', 'duration', 'schema'];
const RETRY_KEYS = ['interval', 'timeout'];

export const DEFAULT_POLL_INTERVAL_MS = 1000;
/** The shortest pause retry-until takes between attempts. */
export const MIN_POLL_INTERVAL_MS = 10;

export interface RetryUntil {
  intervalMs: number;
  timeoutMs?: number;
}

type Report = (path: readonly (string | number)[], message: string) => void;

export function readExpect(raw: unknown, report: Report, lineOf: (path: readonly (string | number)[]) => number): ExpectSpec {
  const expect: ExpectSpec = { body: [], schema: true };
  if (raw === undefined) return expect;
  if (!isRecord(raw)) {
    report([], '"expect" must be a mapping (status, body, error, duration, schema)');
    return expect;
  }
  for (const key of Object.keys(raw)) if (!EXPECT_KEYS.includes(key)) report([key], `expect: unknown key "${key}" (allowed: ${EXPECT_KEYS.join(', ')})`);
  const status = raw['status'];
  if (status !== undefined) {
    if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) expect.status = status;
    else report(['status'], 'expect.status: must be an HTTP status code (100-599)');
  }
  if (raw['schema'] !== undefined) {
    if (typeof raw['schema'] === 'boolean') expect.schema = raw['schema'];
    else report(['schema'], 'expect.schema: must be true or false');
  }
  const body = raw['body'];
  if (body !== undefined && !isRecord(body)) report(['body'], 'expect.body: must map queries to expected values');
  for (const [query, value] of Object.entries(isRecord(body) ? body : {})) {
    expect.body.push({ query, matcher: readMatcher(value, (message) => report(['body', query], `expect.body."${query}": ${message}`)), line: lineOf(['body', query]) });
  }
  if (raw['error'] !== undefined) expect.error = readMatcher(raw['error'], (message) => report(['error'], `expect.error: ${message}`));
  if (raw['duration'] !== undefined) {
    expect.duration = readMatcher(raw['duration'], (message) => report(['duration'], `expect.duration: ${message}`));
    if (expect.duration.some(({ op, arg }) => !['lt', 'le', 'gt', 'ge'].includes(op) || typeof arg !== 'number')) report(['duration'], 'expect.duration: must be like { lt: 500 } (milliseconds; lt, le, gt, ge)');
  }
  return expect;
}

/**
 * A plain value means "equals"; a mapping is a set of conditions, each key an operator. A key that
 * is none (`{ equal: true }`) is refused before anything is sent, as an unknown step key is: read
 * as an object to compare with, a typo would only fail at run time. Objects are compared with
 * `{ equals: {...} }`; `{}` is the empty object.
 */
function readMatcher(value: unknown, report: (message: string) => void): Matcher {
  if (!isRecord(value) || Object.keys(value).length === 0) return [{ op: 'equals', arg: value }];
  const matcher: Matcher = [];
  for (const [key, arg] of Object.entries(value)) {
    if (!(MATCHER_OPS as readonly string[]).includes(key)) {
      const suggestion = closest(key, MATCHER_OPS);
      report(`unknown operator "${key}"${suggestion ? ` (did you mean ${suggestion}?)` : ''} (allowed: ${MATCHER_OPS.join(', ')}; to compare with an object, use { equals: ... })`);
      continue;
    }
    const op = key as MatcherOp;
    if (op === 'matches') {
      if (typeof arg !== 'string') report('matches: must be a regular expression (a string)');
      else {
        try {
          new RegExp(arg, 'u');
        } catch (error) {
          report(`matches: not a valid regular expression: ${(error as Error).message}`);
        }
      }
    }
    if (['lt', 'le', 'gt', 'ge', 'length'].includes(op) && typeof arg !== 'number' && !(op !== 'length' && typeof arg === 'string')) report(`${op}: must be a number`);
    if (op === 'exists' && typeof arg !== 'boolean') report('exists: must be true or false');
    if (op === 'type' && !['string', 'number', 'boolean', 'array', 'object', 'null'].includes(String(arg))) report('type: must be one of string, number, boolean, array, object, null');
    matcher.push({ op, arg });
  }
  return matcher;
}

export function readRetryUntil(raw: unknown, report: (message: string) => void): RetryUntil | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return { intervalMs: DEFAULT_POLL_INTERVAL_MS };
  if (!isRecord(raw)) {
    report('"retry-until" must be true or { interval: MS, timeout: MS }');
    return undefined;
  }
  for (const key of Object.keys(raw)) if (!RETRY_KEYS.includes(key)) report(`retry-until: unknown key "${key}" (allowed: ${RETRY_KEYS.join(', ')})`);
  // The bounds of other durations (at most a day: config/network.ts); a pause of at least
  // MIN_POLL_INTERVAL_MS, so that polling is never a busy loop.
  const ms = (key: string, least: number): number | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= least && value <= MAX_DURATION_S * 1000) return value;
    report(`retry-until.${key}: must be a number of milliseconds from ${least} to ${MAX_DURATION_S * 1000} (one day)`);
    return undefined;
  };
  const timeoutMs = ms('timeout', 1);
  return { intervalMs: ms('interval', MIN_POLL_INTERVAL_MS) ?? DEFAULT_POLL_INTERVAL_MS, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

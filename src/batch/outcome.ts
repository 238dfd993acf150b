// What became of one call, and its result record: status, ok, the parsed body, and for failures
// a stable error code and message. Failures are classed as single calls' exit codes are.
import type { Answer, AnswerHead } from '../api/answer.js';
import { describeFailure, ExitCode } from '../api/errors.js';
import { maskStrings, type JsonTextMask } from '../api/mask.js';

export interface Outcome {
  ok: boolean;
  /** null: no complete answer (network failure, timeout). */
  status: number | null;
  /** The exit code a single call would have ended with. */
  exitCode: number;
  code?: string;
  error?: string;
  /** The JSON body parsed, or its text when it is not JSON; absent without an answer. */
  body?: unknown;
  /** The body's text when it is JSON on one line: written into the record as it is. */
  rawJson?: string;
  attempts: number;
  /** Seconds from the start of the last attempt to its first byte and to its end (curl's -w names). */
  seconds?: { starttransfer?: number; total: number };
}

/** Bodies above this are not kept whole in a result record (the API's answers are a few hundred bytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A call's classified answer (api/answer.ts) as an outcome; `text` is the body as received. */
export function answerOutcome(head: AnswerHead, text: string, answer: Answer, attempts: number): Outcome {
  const { status, statusText } = head;
  if (answer.kind === 'ok') {
    // A record holds the body: one that was too large to keep cannot be recorded.
    if (answer.unchecked) return failure(status, attempts, ExitCode.unexpected, 'E_BODY_TOO_LARGE', `server answered ${status} ${statusText} with a body over ${MAX_BODY_BYTES} bytes`);
    return { ok: true, status, exitCode: ExitCode.ok, body: answer.value, ...rawJson(text, answer.json), attempts };
  }
  // An HTTP error is recorded with the server's own words, as they are the useful part.
  const error = answer.code === 'E_NOT_JSON' ? `server answered ${status} ${statusText} but the body is not JSON` : answer.serverMessage ?? (answer.code === 'E_HTTP_REDIRECT' ? answer.message : `server answered ${status} ${statusText}`);
  return { ...failure(status, attempts, answer.exitCode, answer.code, error), ...(answer.body === undefined ? {} : { body: answer.body }), ...rawJson(text, answer.json) };
}

export function errorOutcome(error: unknown, attempts: number): Outcome {
  const { exitCode, code, message } = describeFailure(error);
  return failure(null, attempts, exitCode, code, message);
}

function failure(status: number | null, attempts: number, exitCode: number, code: string, error: string): Outcome {
  return { ok: false, status, exitCode, code, error, attempts };
}

/** Checked JSON with no line break is copied into the record instead of being serialized again. */
function rawJson(text: string, json: boolean): { rawJson?: string } {
  return json && !text.includes('\n') && !text.includes('\r') ? { rawJson: text.trim() } : {};
}

/** One result record, keys always in this order: line, method, status, ok, then the rest. */
export function resultRecord(line: number, method: string, outcome: Outcome, secrets: JsonTextMask): string {
  const copied = copyableBody(outcome, secrets);
  if (outcome.ok && copied !== undefined) return okRecord(line, method, outcome, copied);
  const record: Record<string, unknown> = { line, method, status: outcome.status, ok: outcome.ok };
  if (!outcome.ok) {
    record['code'] = outcome.code;
    record['error'] = secrets.mask(outcome.error ?? '');
  }
  if (outcome.attempts > 1) record['attempts'] = outcome.attempts;
  if (outcome.seconds) {
    if (outcome.seconds.starttransfer !== undefined) record['time_starttransfer'] = microseconds(outcome.seconds.starttransfer);
    record['time_total'] = microseconds(outcome.seconds.total);
  }
  // The body as received unless it quotes a secret (the token, a secret param): then its strings are
  // masked (a body that is no JSON is one string, where a secret may be written escaped all the same).
  if (copied !== undefined) return `${JSON.stringify(record).slice(0, -1)},"body":${copied}}\n`;
  if (outcome.body !== undefined) record['body'] = maskStrings(outcome.body, (text) => secrets.mask(text));
  return `${JSON.stringify(record)}\n`;
}

/**
 * The body's text as received, when it may be copied into the record: it quotes no secret, however
 * the server escaped one (`\u0074ok`, `\/`: the mask reads every writing JSON allows).
 */
function copyableBody(outcome: Outcome, secrets: JsonTextMask): string | undefined {
  const raw = outcome.rawJson;
  return raw !== undefined && !secrets.finds(raw) ? raw : undefined;
}

/**
 * A success with its body as received (most records of a batch): written out directly, the same
 * text as JSON.stringify of resultRecord's object (a third of its cost).
 */
function okRecord(line: number, method: string, outcome: Outcome, body: string): string {
  let text = `{"line":${line},"method":${JSON.stringify(method)},"status":${jsonNumber(outcome.status)},"ok":true`;
  if (outcome.attempts > 1) text += `,"attempts":${outcome.attempts}`;
  if (outcome.seconds) {
    if (outcome.seconds.starttransfer !== undefined) text += `,"time_starttransfer":${jsonNumber(microseconds(outcome.seconds.starttransfer))}`;
    text += `,"time_total":${jsonNumber(microseconds(outcome.seconds.total))}`;
  }
  return `${text},"body":${body}}\n`;
}

/** A number as JSON.stringify writes it (null for NaN and the infinities). */
function jsonNumber(value: number | null): string {
  return value !== null && Number.isFinite(value) ? String(value) : 'null';
}

function microseconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

const UNCERTAIN_CODE = 'E_UNCERTAIN';

/** For a line sent without its answer being recorded: it may or may not have been done. */
export function uncertainRecord(line: number, method: string, why: string): string {
  return `${JSON.stringify({ line, method, status: null, ok: false, uncertain: true, code: UNCERTAIN_CODE, error: why })}\n`;
}

/** How a failure class is named in the summary, by its exit code. */
export function failureKind(exitCode: number): string {
  switch (exitCode) {
    case ExitCode.http4xx: return 'HTTP 4xx';
    case ExitCode.http5xx: return 'HTTP 5xx';
    case ExitCode.network: return 'network';
    case ExitCode.timeout: return 'timeout';
    default: return 'other';
  }
}

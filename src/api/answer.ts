// The one classifier of the server's answers, for single calls, batches and the library client:
// 2xx with JSON (or nothing) is a success; 2xx with anything else, a redirect, 4xx and 5xx are
// failures with a stable code, an exit code and the server's own message where it sent one.
import { ExitCode, HttpError, OneOfficeError, type ErrorCode, type ExitCodeValue } from './errors.js';
import { readJson } from './json.js';
import { maskStrings } from './mask.js';
import { messageFromJson } from './server-message.js';

export type HeaderMap = Record<string, string | string[] | undefined>;

export interface AnswerHead {
  status: number;
  statusText: string;
  headers: HeaderMap;
}

/** The body as read: its text (possibly only a prefix), and whether that text is all of it. */
export interface AnswerBody {
  text: string;
  bytes: number;
  complete: boolean;
  /** For a body not kept whole: whether it was one JSON text, checked as it streamed (api/json-check.ts). */
  streamedJson?: boolean;
}

export type Answer =
  | {
      kind: 'ok';
      status: number;
      /** The parsed JSON; null for an empty body; undefined when the body was too large to keep. */
      value: unknown;
      /** The body was not kept whole, so it was not checked to be JSON. */
      unchecked: boolean;
      /** The body is JSON (not empty, not unchecked). */
      json: boolean;
    }
  | {
      kind: 'failed';
      status: number;
      code: ErrorCode;
      exitCode: ExitCodeValue;
      /** The whole message, as a single call prints it after `oneoffice: `. */
      message: string;
      /** The server's own message (the API's errors are JSON strings), when it sent one. */
      serverMessage?: string;
      /** What follows `server answered <status> <text>: ` for an HTTP error. */
      detail?: string;
      /** The body parsed, or its text when it is not JSON; absent when empty or not kept. */
      body?: unknown;
      /** `body` is parsed JSON. */
      json: boolean;
    };

/**
 * `mask`, when given, masks the secrets in the body before the server's message is made from it:
 * that message may be the first 200 characters of the body, and a secret cut there could no longer
 * be found in it. The body itself is kept as it came.
 */
export function classifyAnswer(head: AnswerHead, body: AnswerBody, mask?: (text: string) => string): Answer {
  const { status, statusText } = head;
  const read = body.complete && body.bytes > 0 ? readJson(body.text) : undefined;
  const parsed = read?.ok ? { value: read.value } : undefined;
  const kept = read === undefined ? undefined : parsed ? parsed.value : body.text;
  if (status >= 200 && status < 300) {
    // The same rule whatever the size: a body too large to keep was checked as it streamed, if it could be.
    if (!body.complete && body.streamedJson === false) {
      return failed(status, 'E_NOT_JSON', ExitCode.unexpected, `server answered ${status} ${statusText} but the body is not JSON (${describeBody(head, body.bytes)})`, undefined, false);
    }
    if (!body.complete) return { kind: 'ok', status, value: undefined, unchecked: body.streamedJson === undefined, json: body.streamedJson === true };
    if (body.bytes > 0 && !parsed) {
      return failed(status, 'E_NOT_JSON', ExitCode.unexpected, `server answered ${status} ${statusText} but the body is not JSON (${describeBody(head, body.bytes)})`, body.text, false);
    }
    return { kind: 'ok', status, value: parsed ? parsed.value : null, unchecked: false, json: parsed !== undefined };
  }
  if (status < 400) {
    const location = headerText(head.headers['location']);
    return failed(status, 'E_HTTP_REDIRECT', ExitCode.unexpected, `server answered ${status} ${statusText}${location ? ` (Location: ${location})` : ''}; check the URL`, kept, parsed !== undefined);
  }
  const serverMessage = parsed ? messageFromJson(mask ? maskStrings(parsed.value, mask) : parsed.value) : undefined;
  const detail = serverMessage ?? (body.bytes > 0 ? `body is not JSON (${describeBody(head, body.bytes)})` : undefined);
  const error = new HttpError(status, statusText, detail);
  return { ...failed(status, error.code, error.exitCode, error.message, kept, parsed !== undefined), ...(serverMessage === undefined ? {} : { serverMessage }), ...(detail === undefined ? {} : { detail }) };
}

function failed(status: number, code: ErrorCode, exitCode: ExitCodeValue, message: string, body: unknown, json: boolean): Answer {
  return { kind: 'failed', status, code, exitCode, message, json, ...(body === undefined ? {} : { body }) };
}

/** The failure as the error a single call or the library raises. */
export function answerError(answer: Extract<Answer, { kind: 'failed' }>, head: AnswerHead): OneOfficeError {
  if (answer.code === 'E_HTTP_4XX' || answer.code === 'E_HTTP_5XX') {
    return new HttpError(answer.status, head.statusText, answer.detail, { headers: head.headers, body: answer.body, serverMessage: answer.serverMessage });
  }
  return new OneOfficeError(answer.message, answer.code, answer.exitCode);
}

function describeBody(head: AnswerHead, bytes: number): string {
  return `${headerText(head.headers['content-type']) ?? 'no content-type'}, ${bytes} bytes`;
}

export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

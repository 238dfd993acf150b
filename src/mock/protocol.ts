// The wire rules every call passes before a method runs: the token, the body's
// {"method", "params"} shape, and the params against the same schemas the client validates with.
import { readJson } from '../api/json.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Params } from '../api/params.js';
import { ParamsChecker } from '../api/check.js';
import type { Registry } from '../api/schema/registry.js';
import { closest } from '../api/suggest.js';
import { describeUnsafe, unsafeValues } from '../api/param-safety.js';

/**
 * A constant-time check of the x-api-key header. Both sides are hashed first so they have the same
 * length: timingSafeEqual needs that, and comparing lengths first would leak the token's length.
 */
export function tokenChecker(token: string): (given: string | undefined) => boolean {
  const expected = sha256(token);
  return (given) => given !== undefined && timingSafeEqual(sha256(given), expected);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export type ParsedCall = { method: string; params: Params } | { problem: string };

/** The body's method and params; anything else in the body is ignored, as the docs say. */
export function parseCallBody(text: string, knownMethods: readonly string[]): ParsedCall {
  if (text.trim() === '') return { problem: 'empty body: send JSON {"method": "...", "params": {...}}' };
  const read = readJson(text);
  if (!read.ok) return { problem: `body is not valid JSON (at position ${read.offset})` };
  const body = read.value;
  if (!isObject(body)) return { problem: `body must be a JSON object {"method": "...", "params": {...}} (got ${kindOf(body)})` };
  const { method, params } = body;
  if (method === undefined) return { problem: 'missing "method"' };
  if (typeof method !== 'string') return { problem: `"method" must be a string (got ${kindOf(method)})` };
  if (!knownMethods.includes(method)) {
    const suggestion = closest(method, knownMethods);
    return { problem: `unknown method ${JSON.stringify(method)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}` };
  }
  if (params === undefined) return { problem: 'missing "params": it must be a JSON object' };
  if (!isObject(params)) return { problem: `"params" must be a JSON object (got ${kindOf(params)})` };
  // What the client refuses in any params: a whole number past 2^53 - 1 was already changed by
  // JSON.parse (...993 read as ...992), so it would be stored and answered as another number.
  const unsafe = unsafeValues(params);
  if (unsafe.length) return { problem: unsafe.map(describeUnsafe).join('; ') };
  return { method, params };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The kind of a value, never the value: it may be a secret. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Node's status for each request its HTTP parser refuses (lib/_http_server.js); any other is a 400. */
const UNREADABLE: Readonly<Record<string, readonly [status: string, message: string]>> = {
  HPE_HEADER_OVERFLOW: ['431 Request Header Fields Too Large', 'request headers too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: ['413 Payload Too Large', 'chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: ['408 Request Timeout', 'request not received in time'],
};

/**
 * The whole answer to a request Node's HTTP parser could not read, written raw on its socket as Node
 * writes its own: Node's has no body, and the API's errors are JSON strings. Never quotes the request
 * (it may hold the token).
 */
export function unreadableRequestAnswer(errorCode: string | undefined): string {
  const [status, message] = UNREADABLE[errorCode ?? ''] ?? ['400 Bad Request', 'malformed HTTP request'];
  const body = JSON.stringify(message);
  return `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

export type ParamsCheck = (method: string, params: Params) => string[];

/**
 * Loads (or compiles, for user schemas) every method's validator up front: a broken user schema
 * fails at start rather than on a call, and no call waits on a load.
 */
export async function loadParamsCheck(registry: Registry, methodNames: readonly string[]): Promise<ParamsCheck> {
  const checker = new ParamsChecker(registry);
  for (const name of methodNames) await checker.load(name);
  // The client's own check: no answer or log line repeats a secret value.
  return (name, params) => checker.get(name)?.(params) ?? [];
}


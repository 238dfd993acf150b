// The wire rules every call passes before a method runs: the token, the body's
// {"method", "params"} shape, and the params against the same schemas the client validates with.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Params } from '../api/params.js';
import { maskPaths } from '../api/mask.js';
import { describeErrors } from '../api/schema/messages.js';
import { secretPaths, type Registry } from '../api/schema/registry.js';
import type { CompiledValidator, MethodSchema } from '../api/schema/types.js';
import { loadValidator } from '../api/schema/validator.js';
import { closest } from '../api/suggest.js';

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
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // Only the position: V8's message quotes the body, which may hold a password.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    return { problem: `body is not valid JSON${position === undefined ? '' : ` (at position ${position})`}` };
  }
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

export type ParamsCheck = (method: string, params: Params) => string[];

/**
 * Loads (or compiles, for user schemas) every method's validator up front: a broken user schema
 * fails at start rather than on a call, and no call waits on a load.
 */
export async function loadParamsCheck(registry: Registry, methodNames: readonly string[]): Promise<ParamsCheck> {
  const validators = new Map<string, { method: MethodSchema; validate: CompiledValidator; secrets: string[][] }>();
  for (const name of methodNames) {
    const method = registry.get(name);
    if (method) validators.set(name, { method, validate: await loadValidator(method), secrets: secretPaths(method.schema) });
  }
  return (name, params) => {
    const entry = validators.get(name);
    if (!entry || entry.validate(params)) return [];
    const { method, validate, secrets } = entry;
    // Messages quote wrong values; secret ones are replaced whole, so no answer or log line repeats any of them.
    const shown = maskPaths(params, secrets, () => '****');
    return describeErrors(validate.errors ?? [], method.schema, shown, (path) => JSON.stringify(path.join('.')));
  };
}


// What a params object must not hold, wherever it comes from (flags, --params, CSV headers, NDJSON
// lines): names that reach an object's prototype (`__proto__`, `constructor`, `prototype`: our own
// assembly, a mock or a server in JavaScript could be steered by them), and whole numbers beyond
// 2^53 - 1, which a JSON number in JavaScript silently changes (9007199254740993 is sent as ...992).

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first key of a path that is not allowed as a parameter name, if any. */
export function forbiddenKeyIn(path: readonly string[]): string | undefined {
  return path.find((key) => FORBIDDEN_KEYS.has(key));
}

export function forbiddenKeyProblem(key: string): string {
  return `"${key}" is not allowed as a parameter name`;
}

export const UNSAFE_INTEGER_PROBLEM = `must be a whole number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER} (2^53 - 1): larger ones are not sent exactly`;

/** A number that is whole but too large to be carried exactly. */
export function isUnsafeInteger(value: number): boolean {
  return Number.isFinite(value) && Number.isInteger(value) && !Number.isSafeInteger(value);
}

export interface UnsafeValue {
  /** Where in the value (keys and array indexes), empty for the value itself. */
  path: string[];
  problem: string;
}

/** Every forbidden key and unsafe integer in a parsed JSON value. */
export function unsafeValues(value: unknown): UnsafeValue[] {
  // Batches check every line: the common clean case allocates nothing.
  return isClean(value) ? [] : collect(value, [], []);
}

function isClean(value: unknown): boolean {
  if (typeof value === 'number') return !isUnsafeInteger(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!isClean(item)) return false;
    return true;
  }
  for (const key in value) {
    if (FORBIDDEN_KEYS.has(key) || !isClean((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function collect(value: unknown, path: string[], found: UnsafeValue[]): UnsafeValue[] {
  if (typeof value === 'number') {
    if (isUnsafeInteger(value)) found.push({ path, problem: UNSAFE_INTEGER_PROBLEM });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, [...path, String(index)], found));
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) found.push({ path: [...path, key], problem: forbiddenKeyProblem(key) });
      else collect((value as Record<string, unknown>)[key], [...path, key], found);
    }
  }
  return found;
}

/** `"admin.__proto__": ...`, or the problem alone for the value itself. */
export function describeUnsafe(found: UnsafeValue): string {
  return found.path.length ? `${JSON.stringify(found.path.join('.'))}: ${found.problem}` : found.problem;
}

export const CIRCULAR_PROBLEM = 'refers back to the params that hold it (a circular structure cannot be sent as JSON)';
export const BIGINT_PROBLEM = 'is a BigInt, which JSON cannot carry (give a number, or a string of digits)';

/**
 * What a program's own params (the library's; parsed JSON never holds these) cannot be sent as:
 * an object that contains itself, and BigInt values. Found before anything else walks the params,
 * which would overflow the stack on a cycle.
 */
export function unsendableValues(value: unknown): UnsafeValue[] {
  const found: UnsafeValue[] = [];
  const ancestors = new Set<object>();
  const walk = (node: unknown, path: string[]): void => {
    if (typeof node === 'bigint') found.push({ path, problem: BIGINT_PROBLEM });
    if (typeof node !== 'object' || node === null) return;
    if (ancestors.has(node)) {
      found.push({ path, problem: CIRCULAR_PROBLEM });
      return;
    }
    ancestors.add(node);
    if (Array.isArray(node)) node.forEach((item: unknown, index) => walk(item, [...path, String(index)]));
    else for (const key of Object.keys(node)) walk((node as Record<string, unknown>)[key], [...path, key]);
    ancestors.delete(node);
  };
  walk(value, []);
  return found;
}

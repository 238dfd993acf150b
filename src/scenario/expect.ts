// Checks one answer against a step's expect: status, body queries, the server's error message,
// the step's time and the method's response schema. Pure: every failed expectation comes back
// with what was expected and what was there.
import { describeErrors } from '../api/schema/messages.js';
import type { CompiledValidator, JsonSchema } from '../api/schema/types.js';
import { messageFromJson } from '../api/server-message.js';
import type { ExpectSpec, Matcher } from './format.js';
import { compileQuery } from '../api/query.js';
import { fill, isRecord, type Lookup } from './template.js';
import { maskStrings } from '../api/mask.js';

export interface Failure {
  /** As written, e.g. `expect.body."admin.email"` or `expect.status`. */
  expectation: string;
  expected: string;
  actual: string;
}

export interface Answer {
  status: number;
  json: boolean;
  body: unknown;
  durationMs: number;
  /** Why a 2xx answer is not one the API gives (not JSON, too large to check): it fails whatever the expectations. */
  unusable?: string;
}

export interface ResponseSchema {
  schema: JsonSchema;
  validate: CompiledValidator;
}

/** `redact` masks the secrets in each actual value quoted (see matchFailures). */
export function checkAnswer(expect: ExpectSpec, answer: Answer, lookup: Lookup, responseSchema?: ResponseSchema, redact?: (text: string) => string): Failure[] {
  const failures: Failure[] = [];
  const ok = answer.status >= 200 && answer.status < 300;
  if (expect.status !== undefined ? answer.status !== expect.status : !ok) {
    failures.push({ expectation: 'expect.status', expected: expect.status === undefined ? 'any 2xx' : String(expect.status), actual: String(answer.status) });
  }
  if (answer.unusable !== undefined) failures.push({ expectation: 'the answer', expected: 'JSON or nothing (as for single calls)', actual: answer.unusable });
  const masked = (value: unknown) => (redact ? maskStrings(value, redact) : value);
  if (expect.error) {
    const messageOf = (body: unknown) => (ok ? null : answer.json ? messageFromJson(body) : typeof body === 'string' && body !== '' ? body : null);
    // Shown, the message is made again from the masked body: it may be the body's first 200 characters, cut inside a secret.
    failures.push(...matchFailures('expect.error', fill(expect.error, lookup) as Matcher, messageOf(answer.body), () => messageOf(masked(answer.body))));
  }
  for (const expectation of expect.body) {
    const query = compileQuery(expectation.query);
    let actual: unknown;
    try {
      actual = query.ok ? query.run(answer.json ? answer.body : null) : null;
    } catch (error) {
      failures.push({ expectation: `expect.body."${expectation.query}"`, expected: describeMatcher(expectation.matcher), actual: `the query failed: ${(error as Error).message}` });
      continue;
    }
    failures.push(...matchFailures(`expect.body."${expectation.query}"`, fill(expectation.matcher, lookup) as Matcher, actual, () => masked(actual)));
  }
  if (expect.duration) failures.push(...matchFailures('expect.duration', expect.duration, Math.round(answer.durationMs)).map((failure) => ({ ...failure, actual: `${failure.actual} ms` })));
  if (expect.schema && ok && responseSchema && !responseSchema.validate(answer.body)) {
    // The problems quote values cut to 60 characters: masked before, a cut cannot leave a piece of a secret.
    const problems = describeErrors(responseSchema.validate.errors ?? [], responseSchema.schema, masked(answer.body), (path) => `body.${path.join('.')}`);
    failures.push({ expectation: 'the method\'s response schema (expect.schema: false turns this off)', expected: 'an answer as documented', actual: problems.join('; ') });
  }
  return failures;
}

/**
 * The conditions of a matcher that do not hold for this value. What a failure shows is `shown()`:
 * the value with its secrets masked before it is serialised and cut to 200 characters (once quoted,
 * a secret the server wrote escaped, `\/`, would be escaped twice, and a cut could leave a piece of one).
 */
export function matchFailures(expectation: string, matcher: Matcher, actual: unknown, shown: () => unknown = () => actual): Failure[] {
  const failures: Failure[] = [];
  for (const condition of matcher) {
    if (!holds(condition.op, condition.arg, actual)) failures.push({ expectation, expected: describeMatcher([condition]), actual: show(shown()) });
  }
  return failures;
}

function holds(op: Matcher[number]['op'], arg: unknown, value: unknown): boolean {
  switch (op) {
    case 'equals':
      return deepEqual(arg, value);
    case 'matches':
      return typeof value === 'string' && new RegExp(String(arg), 'u').test(value);
    case 'exists':
      return (value !== null && value !== undefined) === arg;
    case 'type':
      return jsonType(value) === arg;
    case 'length':
      return (typeof value === 'string' || Array.isArray(value) ? value.length : isRecord(value) ? Object.keys(value).length : undefined) === arg;
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      if (!((typeof value === 'number' && typeof arg === 'number') || (typeof value === 'string' && typeof arg === 'string'))) return false;
      return op === 'lt' ? value < arg : op === 'le' ? value <= arg : op === 'gt' ? value > arg : value >= arg;
    }
  }
}

export function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Equal as JSON values of the same type: 1 is not "1", key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return (a === null || a === undefined) && (b === null || b === undefined);
}

const OP_WORDS: Record<string, string> = { equals: '', matches: 'matches ', exists: 'exists: ', type: 'type ', length: 'length ', lt: '< ', le: '<= ', gt: '> ', ge: '>= ' };

export function describeMatcher(matcher: Matcher): string {
  return matcher.map(({ op, arg }) => `${OP_WORDS[op] ?? `${op} `}${op === 'type' ? String(arg) : show(arg)}`).join(' and ');
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

// The one query language of oneoffice: JMESPath, as the AWS CLI's --query, for `expect.body`,
// `capture` and `--query` on single calls. @jmespath-community/jmespath passes the JMESPath
// compliance tests (891 of 892 cases of jmespath.test; the one left is the raw-string escape the
// community spec changed on purpose) and is typed and maintained. Most queries are a plain path
// (`email`, `admin.email`), which this file evaluates itself as JMESPath defines it; the library
// loads (prepareQueries) only when a query is more than that: it is a tenth of a test run's start.
import type * as JmesPath from '@jmespath-community/jmespath';
import { closest } from './suggest.js';
import { protectLargeIntegers } from './exact-integers.js';

export type Query = (data: unknown) => unknown;

export type Compiled = { ok: true; run: Query } | { ok: false; problem: string };

/** Identifiers joined by dots: JMESPath's unquoted-string sub-expressions. */
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Each expression is parsed once per run, however many steps and polls use it. */
const compiledQueries = new Map<string, Compiled>();
let library: typeof JmesPath | undefined;

/** Loads the JMESPath library if any of these queries needs it; call before compileQuery. */
export async function prepareQueries(expressions: Iterable<string>): Promise<void> {
  if (library) return;
  for (const expression of expressions) {
    if (PLAIN_PATH.test(expression)) continue;
    library = await loadLibrary();
    return;
  }
}

export function compileQuery(expression: string): Compiled {
  let compiled = compiledQueries.get(expression);
  if (!compiled) {
    compiled = parseQuery(expression);
    compiledQueries.set(expression, compiled);
  }
  return compiled;
}

function parseQuery(expression: string): Compiled {
  if (expression.trim() === '') return { ok: false, problem: 'empty query' };
  if (PLAIN_PATH.test(expression)) return { ok: true, run: plainPath(expression.split('.')) };
  if (!library) throw new Error(`query "${expression}" compiled before prepareQueries()`);
  let ast: ReturnType<typeof JmesPath.compile>;
  try {
    ast = library.compile(expression);
  } catch (error) {
    return { ok: false, problem: `not a valid JMESPath query: ${(error as Error).message}` };
  }
  // The library finds an unknown function or a wrong number of arguments only when it runs the
  // query, on the answer: found here, before anything is sent.
  const problem = functionProblem(ast, functionTable(library));
  if (problem) return { ok: false, problem };
  const { TreeInterpreter } = library;
  return { ok: true, run: (data) => TreeInterpreter.search(ast, withoutPrototypes(data ?? null) as JmesPath.JSONValue) ?? null };
}

interface ArgumentSpec {
  optional?: boolean;
  variadic?: boolean;
}
type FunctionTable = Record<string, { _signature?: ArgumentSpec[] }>;

/** The library's functions and their signatures (its runtime's table), or undefined if it has none we can read. */
function functionTable(lib: typeof JmesPath): FunctionTable | undefined {
  const table: unknown = (lib.TreeInterpreter as unknown as { runtime?: { _functionTable?: unknown } }).runtime?._functionTable;
  return typeof table === 'object' && table !== null ? (table as FunctionTable) : undefined;
}

/** The first function call in the tree that the library does not have, or that has a wrong number of arguments. */
function functionProblem(node: unknown, table: FunctionTable | undefined): string | undefined {
  if (table === undefined || typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    for (const child of node) {
      const problem = functionProblem(child, table);
      if (problem) return problem;
    }
    return undefined;
  }
  const record = node as Record<string, unknown>;
  if (record['type'] === 'Function' && typeof record['name'] === 'string') {
    const name = record['name'];
    const args = Array.isArray(record['children']) ? record['children'].length : 0;
    const entry = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!entry) {
      const near = closest(name, Object.keys(table));
      return `unknown function ${name}()${near ? ` (did you mean ${near}()?)` : ''}`;
    }
    const arity = arityProblem(name, args, entry._signature ?? []);
    if (arity) return arity;
  }
  for (const [key, child] of Object.entries(record)) {
    if (key === 'value') continue; // a literal's JSON value holds no calls
    const problem = functionProblem(child, table);
    if (problem) return problem;
  }
  return undefined;
}

function arityProblem(name: string, args: number, signature: readonly ArgumentSpec[]): string | undefined {
  const required = signature.filter((spec) => !spec.optional).length;
  const variadic = signature.at(-1)?.variadic === true;
  if (args >= required && (variadic || args <= signature.length)) return undefined;
  const expected = variadic ? `at least ${required}` : required === signature.length ? String(required) : `${required} to ${signature.length}`;
  return `${name}() takes ${expected} argument${expected === '1' ? '' : 's'} (got ${args})`;
}

/** `a.b.c` as JMESPath reads it: each field of an object (own keys only), else null. */
function plainPath(fields: readonly string[]): Query {
  return (data) => {
    let current: unknown = data ?? null;
    for (const field of fields) {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, field)) return null;
      current = (current as Record<string, unknown>)[field] ?? null;
    }
    return current;
  };
}

/**
 * The data with objects of no prototype: the library looks a quoted name up with `obj[name]`, so
 * `"constructor"` or `"__proto__"` would find what every object inherits (a function, printed as
 * `undefined`) instead of null. Answers are small; the copy costs nothing measurable.
 */
function withoutPrototypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPrototypes);
  if (typeof value !== 'object' || value === null) return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, field] of Object.entries(value)) copy[key] = withoutPrototypes(field);
  return copy;
}

/** The library is ESM with named exports when imported, the same object when required (the CLI's bundles). */
async function loadLibrary(): Promise<typeof JmesPath> {
  return import('@jmespath-community/jmespath');
}

/** What --query prints: a string as plain text (as jq -r), anything else as JSON; a newline after. */
export function formatQueryResult(value: unknown): string {
  return `${typeof value === 'string' ? value : JSON.stringify(value ?? null)}\n`;
}

/** --query on an answer's JSON text, printed: whole numbers beyond 2^53 as the digits the server sent (JSON.parse rounds them). */
export function queryAnswerText(run: Query, text: string): string {
  if (text === '') return formatQueryResult(run(null));
  const exact = protectLargeIntegers(text);
  const printed = formatQueryResult(run(JSON.parse(exact ? exact.text : text)));
  return exact ? exact.restore(printed) : printed;
}

// The one query language of oneoffice: JMESPath, as the AWS CLI's --query, for `expect.body`,
// `capture` and `--query` on single calls. @jmespath-community/jmespath passes the JMESPath
// compliance tests (891 of 892 cases of jmespath.test; the one left is the raw-string escape the
// community spec changed on purpose) and is typed and maintained. Loaded only by its users.
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';

export type Query = (data: unknown) => unknown;

export type Compiled = { ok: true; run: Query } | { ok: false; problem: string };

/** Each expression is parsed once per run, however many steps and polls use it. */
const compiledQueries = new Map<string, Compiled>();

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
  try {
    const ast = compile(expression);
    return { ok: true, run: (data) => TreeInterpreter.search(ast, (data ?? null) as JSONValue) };
  } catch (error) {
    return { ok: false, problem: `not a valid JMESPath query: ${(error as Error).message}` };
  }
}

/** What --query prints: a string as plain text (as jq -r), anything else as JSON; a newline after. */
export function formatQueryResult(value: unknown): string {
  return `${typeof value === 'string' ? value : JSON.stringify(value ?? null)}\n`;
}

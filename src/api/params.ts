// Assembles a call's params: the --params object first, then every flag on top of it
// (whole objects before their dotted fields), remembering which paths the user typed as flags.
import type { Readable } from 'node:stream';
import { isUtf16, UTF16_ADVICE } from './text.js';
import { readAll } from './read-all.js';
import { parseJson } from './json.js';
import { convertFlagValue, type ParamFlag } from './schema/flags.js';
import { describeUnsafe, forbiddenKeyIn, forbiddenKeyProblem, unsafeValues } from './param-safety.js';
import { schemaAt } from './schema/messages.js';
import type { JsonSchema } from './schema/types.js';

export type Params = Record<string, unknown>;

/** One parameter as typed on a command line (a flag) or in a CSV column, not yet converted. */
export interface ParamToken {
  /** The flag as typed, without any `=value`. */
  flag: string;
  path: string[];
  raw: string | true;
  known: ParamFlag | undefined;
}

export interface AssembledParams {
  params: Params;
  /** Paths (joined with '.') set by flags, so messages can name the flag rather than the JSON key. */
  flagPaths: Set<string>;
  problems: string[];
  /** Paths whose flag value could not be converted (malformed JSON). */
  problemPaths: string[];
}

/**
 * The most --params reads (stdin or a file): a call's body travels whole, and the server takes at
 * most 1 MiB, so more is a mistake (e.g. the wrong file), not something to hold in memory.
 */
export const MAX_PARAMS_BYTES = 1024 * 1024;

export async function readParamsSource(source: string, stdin: Readable): Promise<{ params?: Params; problem?: string }> {
  let text: string | undefined;
  let origin = '--params';
  if (source === '-' || source === '@-') {
    origin = '--params (stdin)';
    text = await readAll(stdin, MAX_PARAMS_BYTES);
  } else if (source.startsWith('@')) {
    origin = `--params (${source.slice(1)})`;
    try {
      // Loaded here: node:fs costs ~1 ms of every call's start-up. A stream, so that a FIFO or a
      // device is bounded too.
      const { createReadStream } = await import('node:fs');
      text = await readAll(createReadStream(source.slice(1)), MAX_PARAMS_BYTES);
    } catch (error) {
      return { problem: `--params: cannot read ${source.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
    }
  } else {
    text = source;
  }
  if (text === undefined) return { problem: `${origin}: larger than ${MAX_PARAMS_BYTES} bytes (1 MiB), more than a call may carry` };
  // A file or pipe written by Windows PowerShell 5.1 may be UTF-16 (a BOM the JSON reader drops).
  if (source !== text && isUtf16(text)) return { problem: `${origin} ${UTF16_ADVICE}` };
  const parsed = parseJson(text);
  if ('error' in parsed) return { problem: `${origin}: not valid JSON: ${parsed.error}` };
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return { problem: `${origin}: must be a JSON object (params is always an object)` };
  }
  const unsafe = unsafeValues(parsed.value);
  if (unsafe.length) {
    const more = unsafe.length > 1 ? ` (and ${unsafe.length - 1} more like it)` : '';
    return { problem: `${origin}: ${describeUnsafe(unsafe[0] as (typeof unsafe)[number])}${more}` };
  }
  return { params: parsed.value as Params };
}

export function assembleParams(base: Params, tokens: readonly ParamToken[], schema: JsonSchema | undefined): AssembledParams {
  const params = structuredClone(base);
  const flagPaths = new Set<string>();
  const problems: string[] = [];
  const problemPaths: string[] = [];
  // Shallow paths first, so `--admin '{...}' --admin.email x` keeps x whatever the order typed.
  const ordered = [...tokens].sort((a, b) => a.path.length - b.path.length);
  for (const token of ordered) {
    const forbidden = forbiddenKeyIn(token.path);
    if (forbidden !== undefined) {
      problems.push(`${token.flag}: ${forbiddenKeyProblem(forbidden)}`);
      problemPaths.push(token.path.join('.'));
      continue;
    }
    const propertySchema = schema ? schemaAt(schema, token.path) : undefined;
    const converted = convertFlagValue(token.flag, token.raw, token.known ? propertySchema : undefined);
    if ('problem' in converted) {
      problems.push(converted.problem);
      problemPaths.push(token.path.join('.'));
      continue;
    }
    const conflict = setPath(params, token.path, converted.value);
    if (conflict) problems.push(`${token.flag}: ${conflict}`);
    flagPaths.add(token.path.join('.'));
  }
  return { params, flagPaths, problems, problemPaths };
}

function setPath(target: Params, path: string[], value: unknown): string | undefined {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const existing = node[key];
    if (existing === undefined) node[key] = {};
    else if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) return `${key} is not an object`;
    node = node[key] as Params;
  }
  const last = path[path.length - 1] as string;
  const existing = node[last];
  node[last] = isPlainObject(existing) && isPlainObject(value) ? { ...existing, ...value } : value;
  return undefined;
}

function isPlainObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether params hold a value at `path` (e.g. a secret param that was given). */
export function hasPath(params: Params, path: readonly string[]): boolean {
  let node: unknown = params;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Params)[key];
  }
  return true;
}

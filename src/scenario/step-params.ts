// A step's params as they will be sent, the same before the run (check.ts, with the variables known
// up front) and just before each send (runner.ts, with captures): templates filled, a string that is
// one whole placeholder (`instance: "{{ inst }}"`) converted to the type the method's schema wants
// when its text converts exactly, as a flag's text is (`--var inst=5` fills an integer); then held
// to what every call is held to: no prototype names or integers beyond 2^53 (api/param-safety.ts),
// at most 1 MiB as single calls (api/params.ts), and the method's schema (api/check.ts).
import { MAX_PARAMS_BYTES, type Params } from '../api/params.js';
import { unsafeValues } from '../api/param-safety.js';
import { convertFlagValue, primaryType } from '../api/schema/flags.js';
import { schemaAt } from '../api/schema/messages.js';
import type { JsonSchema } from '../api/schema/types.js';
import { fill, isRecord, wholePlaceholder, type Lookup } from './template.js';

/** The types a whole-value template's text is converted to; other types take the value as it is. */
const CONVERTED = new Set(['integer', 'number', 'boolean']);

export interface FilledParams {
  params: Params;
  /** A converted text that cannot be carried exactly (an integer beyond 2^53). */
  problems: string[];
}

export function fillParams(raw: Record<string, unknown>, lookup: Lookup, schema: JsonSchema | undefined): FilledParams {
  const problems: string[] = [];
  const params = fillTyped(raw, [], { lookup, schema, problems }) as Params;
  return { params, problems };
}

function fillTyped(value: unknown, path: string[], at: { lookup: Lookup; schema: JsonSchema | undefined; problems: string[] }): unknown {
  if (typeof value === 'string') {
    const filled = fill(value, at.lookup);
    if (typeof filled !== 'string' || filled === value || wholePlaceholder(value) === undefined || !at.schema) return filled;
    const wanted = schemaAt(at.schema, path);
    const type = wanted ? primaryType(wanted) : undefined;
    if (type === undefined || !CONVERTED.has(type)) return filled;
    const converted = convertFlagValue(`params.${path.join('.')}`, filled, wanted);
    if ('problem' in converted) {
      at.problems.push(converted.problem);
      return filled;
    }
    return converted.value;
  }
  if (Array.isArray(value)) return value.map((item, index) => fillTyped(item, [...path, String(index)], at));
  if (isRecord(value)) {
    const copy: Record<string, unknown> = {};
    // Defined, not assigned: a `__proto__` key stays a key (refused below), never the copy's prototype.
    for (const [key, item] of Object.entries(value)) Object.defineProperty(copy, key, { value: fillTyped(item, [...path, key], at), enumerable: true, writable: true, configurable: true });
    return copy;
  }
  return value;
}

/**
 * Why these params may not be sent, each a line naming the field (`params.email: ...`): what no
 * params may hold and the size first, then the method's schema (`check`, absent for a method the
 * registry does not know).
 */
export function paramsProblems(params: Params, check: ((params: Params) => string[]) | undefined): string[] {
  const problems = unsafeValues(params).map((found) => `params${found.path.map((key) => `.${key}`).join('')}: ${found.problem}`);
  const size = sizeProblem(params);
  if (size) problems.push(size);
  return problems.length || !check ? problems : check(params);
}

/** Params larger than a call may carry (the bound of --params on single calls). */
export function sizeProblem(params: Params): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(params));
  return bytes > MAX_PARAMS_BYTES ? `params: ${bytes} bytes, larger than ${MAX_PARAMS_BYTES} bytes (1 MiB), more than a call may carry` : undefined;
}

// A method's documented answer ("x-response" in its schema) with its validator: built-in methods'
// come from the build (generated/responses.ts), compiled there, so checking answers of built-in
// methods never loads ajv; a user schema carries its own, compiled on first use.
import { builtinResponses, builtinResponseValidators } from '../../generated/responses.js';
import { readJson } from '../json.js';
import { describeErrors } from './messages.js';
import { maskStrings } from '../mask.js';
import { BUILTIN_SOURCE } from './registry.js';
import type { CompiledValidator, JsonSchema, MethodSchema } from './types.js';
import { compileExtraSchema } from './validator.js';

export interface ResponseSchema {
  schema: JsonSchema;
  validate: CompiledValidator;
}

/** The method's response schema and validator, or undefined when the method documents no answer. */
export async function loadResponseSchema(method: MethodSchema): Promise<ResponseSchema | undefined> {
  const builtin = method.source === BUILTIN_SOURCE;
  const documented = builtin ? builtinResponses[method.name] : method.schema['x-response'];
  if (typeof documented !== 'object' || documented === null) return undefined;
  const precompiled = builtin ? builtinResponseValidators[method.name] : undefined;
  return { schema: documented as JsonSchema, validate: precompiled ? await precompiled() : await compileExtraSchema(method.name, documented as JsonSchema) };
}

/**
 * Where an answer differs from the docs (mock --upstream's drift, doctor's answer check): a success
 * must be JSON matching the response schema, an error a JSON string. Empty when it is as documented.
 * The problems quote values cut to 60 characters: `mask` masks the secrets in them before, so a cut
 * cannot leave a piece of one (the answer itself is checked as it came).
 */
export function answerProblems(response: ResponseSchema | undefined, status: number, body: string, mask?: (text: string) => string): string[] {
  const read = body === '' ? undefined : readJson(body);
  if (status < 200 || status >= 300) {
    if (read?.ok && typeof read.value === 'string') return [];
    return [`an error answer must be a JSON string (got ${read === undefined ? 'an empty body' : read.ok ? kindOf(read.value) : 'a body that is not JSON'})`];
  }
  if (read === undefined) return ['the answer is empty (the docs give JSON)'];
  if (!read.ok) return ['the answer is not JSON'];
  if (!response || response.validate(read.value)) return [];
  const lines = describeErrors(response.validate.errors ?? [], response.schema, mask ? maskStrings(read.value, mask) : read.value, (path) => `body.${path.join('.')}`);
  // describeErrors calls the whole value "params".
  return lines.map((line) => line.replace(/^params:/, 'body:'));
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

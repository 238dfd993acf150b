// A method's documented answer ("x-response" in its schema) with its validator: built-in methods'
// come from the build (generated/responses.ts), compiled there, so checking answers of built-in
// methods never loads ajv; a user schema carries its own, compiled on first use.
import { builtinResponses, builtinResponseValidators } from '../../generated/responses.js';
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

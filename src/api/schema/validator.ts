// Validators are compiled ahead of time for built-in schemas (scripts/build.mjs) and loaded one
// chunk per method; only user schemas pay for ajv at run time, and only for the method called.
import { builtinValidators } from '../../generated/builtin.js';
import { BUILTIN_SOURCE } from './registry.js';
import type { CompiledValidator, MethodSchema } from './types.js';

export async function loadValidator(method: MethodSchema): Promise<CompiledValidator> {
  const precompiled = method.source === BUILTIN_SOURCE ? builtinValidators[method.name] : undefined;
  if (precompiled) return precompiled();
  const { compileSchema } = await import('./ajv-compile.js');
  return compileSchema(method);
}

/** A validator for a schema that is not a method's params (a method's documented answer, "x-response"). */
export async function compileExtraSchema(name: string, schema: MethodSchema['schema']): Promise<CompiledValidator> {
  const { compileSchema } = await import('./ajv-compile.js');
  return compileSchema({ name, schema, source: `${name} x-response` });
}

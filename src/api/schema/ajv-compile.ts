// Run-time compilation for user-supplied schemas. Kept in its own module so ajv loads only here.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ConfigError } from '../errors.js';
import type { CompiledValidator, MethodSchema } from './types.js';

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

// The annotations our schemas carry (scripts/build.mjs registers the same for built-in schemas).
const CUSTOM_KEYWORDS = ['x-secret', 'x-idempotent', 'x-response'];

function createAjv(options: { strict: boolean }): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: options.strict });
  addFormats(ajv);
  for (const keyword of CUSTOM_KEYWORDS) ajv.addKeyword(keyword);
  return ajv;
}

export function compileSchema(method: MethodSchema): CompiledValidator {
  try {
    // User schemas may carry annotations of their own; do not fail on unknown keywords.
    return createAjv({ strict: false }).compile(method.schema) as CompiledValidator;
  } catch (error) {
    throw new ConfigError(`schema ${method.source}: ${(error as Error).message}`, 'E_SCHEMA');
  }
}

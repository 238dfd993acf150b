// The one parameter check, used by single calls, batch lines, the mock and the library client:
// every problem at once, each naming the field the way its front end calls it, and the value of a
// secret parameter never quoted (it is shown as "****", whatever its type or length).
import { maskPaths } from './mask.js';
import type { Params } from './params.js';
import { describeErrors, pointerToPath, type FieldNamer } from './schema/messages.js';
import { secretPaths, type Registry } from './schema/registry.js';
import type { CompiledValidator, MethodSchema } from './schema/types.js';
import { loadValidator } from './schema/validator.js';

const NOTHING_REPORTED: ReadonlySet<string> = new Set();
const WHOLE = (): string => '****';

/** Names a field as a JSON key: "admin.email". The style of batch lines, the mock and the client. */
export const jsonKeyNamer: FieldNamer = (path) => JSON.stringify(path.join('.'));

/**
 * The schema's complaints about params, as lines. `reported`: paths (joined with '.') whose value
 * was already found malformed, so they are not reported as missing as well.
 */
export function checkParams(method: MethodSchema, validate: CompiledValidator, params: Params, nameOf: FieldNamer = jsonKeyNamer, reported: ReadonlySet<string> = NOTHING_REPORTED): string[] {
  if (validate(params)) return [];
  const errors = (validate.errors ?? []).filter(
    (error) => error.keyword !== 'required' || !reported.has([...pointerToPath(error.instancePath), String(error.params['missingProperty'])].join('.')),
  );
  // Messages quote wrong values; a secret one is replaced whole.
  return describeErrors(errors, method.schema, maskPaths(params, secretPaths(method.schema), WHOLE), nameOf);
}

/** A check bound to a method, its validator loaded. */
export type MethodCheck = (params: Params, nameOf?: FieldNamer, reported?: ReadonlySet<string>) => string[];

export function bindCheck(method: MethodSchema, validate: CompiledValidator): MethodCheck {
  return (params, nameOf, reported) => checkParams(method, validate, params, nameOf, reported);
}

/**
 * Checks for the methods of a registry, each validator loaded (or compiled, for a user schema)
 * on first use and kept. `get` is synchronous once a method is loaded, for hot paths.
 */
export class ParamsChecker {
  private readonly loaded = new Map<string, MethodCheck>();

  constructor(private readonly registry: Registry) {}

  /** The method's check; undefined for a method the registry does not know. */
  async load(name: string): Promise<MethodCheck | undefined> {
    const cached = this.loaded.get(name);
    if (cached) return cached;
    const method = this.registry.get(name);
    if (!method) return undefined;
    const check = bindCheck(method, await loadValidator(method));
    this.loaded.set(name, check);
    return check;
  }

  /** The check of a method already loaded. */
  get(name: string): MethodCheck | undefined {
    return this.loaded.get(name);
  }
}

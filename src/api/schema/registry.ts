// The method registry: built-in schemas (bundled at build time) plus a user directory whose
// *.json files add or override methods. A file's base name is the method name.
import { readJson } from '../json.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUtf16, UTF16_ADVICE } from '../text.js';
import { ConfigError } from '../errors.js';
import type { JsonSchema, MethodSchema } from './types.js';

export const BUILTIN_SOURCE = 'builtin';
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface Registry {
  /** Method names, sorted. */
  names(): string[];
  get(name: string): MethodSchema | undefined;
}

export function createRegistry(builtins: Record<string, JsonSchema>, userDir?: string, reservedNames: string[] = []): Registry {
  const methods = new Map<string, MethodSchema>();
  for (const [name, schema] of Object.entries(builtins)) methods.set(name, { name, schema, source: BUILTIN_SOURCE });
  if (userDir !== undefined) {
    for (const method of readSchemaDir(userDir)) {
      if (reservedNames.includes(method.name)) {
        throw new ConfigError(`schema ${method.source}: "${method.name}" is a oneoffice command; rename the file`, 'E_SCHEMA');
      }
      methods.set(method.name, method);
    }
  }
  // Plain code-unit order: localeCompare would load ICU's collator (~6 ms) on every start.
  const sorted = [...methods.keys()].sort();
  return { names: () => sorted, get: (name) => methods.get(name) };
}

function readSchemaDir(dir: string): MethodSchema[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch (error) {
    throw new ConfigError(`cannot read schema directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'E_SCHEMA_DIR');
  }
  return files.sort().map((file) => {
    const path = join(dir, file);
    const name = file.slice(0, -'.json'.length);
    if (!METHOD_NAME.test(name)) throw new ConfigError(`schema ${path}: the file name must be a method name (letters, digits, _)`, 'E_SCHEMA');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(`schema ${path}: cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'E_SCHEMA');
    }
    if (isUtf16(text)) throw new ConfigError(`schema ${path}: ${UTF16_ADVICE}`, 'E_SCHEMA');
    const read = readJson(text);
    if (!read.ok) throw new ConfigError(`schema ${path}: not valid JSON: ${read.reason} at line ${read.line} column ${read.column}`, 'E_SCHEMA');
    const schema = read.value;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new ConfigError(`schema ${path}: must be a JSON Schema object`, 'E_SCHEMA');
    }
    return { name, schema: schema as JsonSchema, source: path };
  });
}

/** The first line of a schema's description: what `methods` and the command list show. */
export function summaryOf(schema: JsonSchema): string {
  return (schema.description ?? '').split('\n')[0]?.trim() ?? '';
}

/** Property paths marked `x-secret`, for redaction (e.g. [['password']], [['admin','pin']]). */
export function secretPaths(schema: JsonSchema, prefix: string[] = []): string[][] {
  const found: string[][] = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const path = [...prefix, key];
    if (property['x-secret'] === true) found.push(path);
    if (property.properties) found.push(...secretPaths(property, path));
  }
  return found;
}

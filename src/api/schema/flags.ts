// Schema properties as command-line flags: `displayName` -> `--display-name`, nested
// `admin.displayName` -> `--admin.display-name`, and back; flag text -> the schema's type.
import { parseJson } from '../json.js';
import { describeUnsafe, isUnsafeInteger, UNSAFE_INTEGER_PROBLEM, unsafeValues } from '../param-safety.js';
import type { JsonSchema } from './types.js';

export interface ParamFlag {
  /** `--admin.display-name` */
  flag: string;
  /** ['admin', 'displayName'] */
  path: string[];
  schema: JsonSchema;
  required: boolean;
}

export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

export function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

export function flagOf(path: string[]): string {
  return `--${path.map(kebab).join('.')}`;
}

/** Every property as a flag; object properties also get one flag per nested property. */
export function paramFlags(schema: JsonSchema, prefix: string[] = [], parentRequired = true): ParamFlag[] {
  const flags: ParamFlag[] = [];
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const path = [...prefix, key];
    const isRequired = parentRequired && required.has(key);
    flags.push({ flag: flagOf(path), path, schema: property, required: isRequired });
    if (property.properties) flags.push(...paramFlags(property, path, isRequired));
  }
  return flags;
}

export function primaryType(schema: JsonSchema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type !== undefined) return type;
  if (schema.properties) return 'object';
  if (schema.enum?.every((value) => typeof value === 'string')) return 'string';
  return undefined;
}

export function isBooleanFlag(schema: JsonSchema): boolean {
  return primaryType(schema) === 'boolean';
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

export type Converted = { value: unknown } | { problem: string };

/**
 * Flag text to the schema's type. Text that does not convert is passed on unchanged so that
 * validation reports it with the same message as any other wrong value; only malformed JSON for
 * an object or array flag is a problem of its own.
 */
export function convertFlagValue(flag: string, raw: string | true, schema: JsonSchema | undefined): Converted {
  if (raw === true) return { value: true };
  const type = schema ? primaryType(schema) : undefined;
  switch (type) {
    case 'integer':
    case 'number': {
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim())) return { value: raw };
      const value = Number(raw);
      return isUnsafeInteger(value) ? { problem: `${flag}: ${UNSAFE_INTEGER_PROBLEM} (got ${raw.trim()})` } : { value };
    }
    case 'boolean': {
      const lower = raw.toLowerCase();
      return { value: TRUE_WORDS.has(lower) ? true : FALSE_WORDS.has(lower) ? false : raw };
    }
    case 'object':
    case 'array': {
      const parsed = parseJson(raw);
      if ('error' in parsed) return { problem: `${flag}: not valid JSON: ${parsed.error}` };
      const unsafe = unsafeValues(parsed.value)[0];
      return unsafe ? { problem: `${flag}: ${describeUnsafe(unsafe)}` } : { value: parsed.value };
    }
    default:
      return { value: raw };
  }
}

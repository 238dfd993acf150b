// Turns ajv errors into one line per problem that names what the user typed: the flag
// (`--admin.email`) when the value came from a flag, the parameter ("licences") otherwise.
import { closest } from '../suggest.js';
import type { JsonSchema, SchemaErrorObject } from './types.js';

export interface FieldNamer {
  /**
   * How to name the field at this params path, e.g. `--display-name` or `"displayName"`; in the
   * style of `like` when given (a suggestion is named the way the typo was typed).
   */
  (path: string[], like?: string[]): string;
}

export function describeErrors(errors: SchemaErrorObject[], schema: JsonSchema, data: unknown, nameOf: FieldNamer): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = pointerToPath(error.instancePath);
    const line = describe(error, path, schema, data, nameOf);
    if (line !== undefined && !lines.includes(line)) lines.push(line);
  }
  return lines;
}

function describe(error: SchemaErrorObject, path: string[], schema: JsonSchema, data: unknown, nameOf: FieldNamer): string | undefined {
  const params = error.params;
  const field = path.length ? nameOf(path) : 'params';
  const got = () => ` (got ${preview(valueAt(data, path))})`;
  switch (error.keyword) {
    case 'required':
      return `missing required ${nameOf([...path, String(params['missingProperty'])])}`;
    case 'additionalProperties': {
      const unknown = String(params['additionalProperty']);
      const known = Object.keys(schemaAt(schema, path)?.properties ?? {});
      const suggestion = closest(unknown, known);
      const hint = suggestion === undefined ? '' : ` (did you mean ${nameOf([...path, suggestion], [...path, unknown])}?)`;
      return `unknown parameter ${nameOf([...path, unknown])}${hint}`;
    }
    case 'type': {
      const types = String(params['type']).split(',').map(typeName);
      return `${field}: must be ${types.join(' or ')}${got()}`;
    }
    case 'format':
      return `${field}: must be ${formatName(String(params['format']))}${got()}`;
    case 'enum':
      return `${field}: must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}${got()}`;
    case 'const':
      return `${field}: must be ${preview(params['allowedValue'])}${got()}`;
    case 'minLength':
      return params['limit'] === 1 ? `${field}: must not be empty` : `${field}: must be at least ${String(params['limit'])} characters${got()}`;
    case 'maxLength':
      return `${field}: must be at most ${String(params['limit'])} characters${got()}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${field}: must be ${String(params['comparison'])} ${String(params['limit'])}${got()}`;
    case 'if':
    case 'anyOf':
    case 'oneOf':
      return undefined === error.message ? undefined : `${field}: ${error.message}`;
    default:
      return `${field}: ${error.message ?? error.keyword}`;
  }
}

function typeName(type: string): string {
  switch (type) {
    case 'integer': return 'an integer';
    case 'number': return 'a number';
    case 'string': return 'a string';
    case 'boolean': return 'true or false';
    case 'object': return 'a JSON object';
    case 'array': return 'a JSON array';
    case 'null': return 'null';
    default: return type;
  }
}

function formatName(format: string): string {
  switch (format) {
    case 'email': return 'an e-mail address';
    case 'uri': case 'url': return 'a URL';
    case 'date': return 'a date (YYYY-MM-DD)';
    case 'date-time': return 'a date-time (RFC 3339)';
    default: return `a valid ${format}`;
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(data: unknown, path: string[]): unknown {
  let value = data;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

export function schemaAt(schema: JsonSchema, path: string[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const key of path) current = current?.properties?.[key] ?? (current?.items as JsonSchema | undefined);
  return current;
}

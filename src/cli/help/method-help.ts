// `oneoffice <method> --help`: every parameter with its type, whether required, allowed values,
// format and example, then a complete example command built from the schema's own example, and
// the few flags a first call needs; the rest of the ~25 call flags are listed once, in
// `oneoffice --help`, which every method's help points to rather than repeating them.
import { CALL_OPTIONS, type OptionSpec } from '../../options/args.js';
import { exitCodeHelp } from '../../api/errors.js';
import { shellQuote } from '../../output/quote.js';
import { flagOf, paramFlags, primaryType, type ParamFlag } from '../../api/schema/flags.js';
import type { JsonSchema, MethodSchema } from '../../api/schema/types.js';

/** The call flags a method's help shows: those that change what one call does or prints. */
export const METHOD_HELP_FLAGS: ReadonlySet<string> = new Set(['--params', '--dry-run', '--curl', '--verbose', '--query', '--write-out', '--help']);
/** Where the flags a method's help leaves out are listed. */
export const ALL_FLAGS_POINTER = 'Every other flag (URL, token, headers, timeouts, retries, proxy, TLS, profiles): oneoffice --help';

export function methodHelp(method: MethodSchema, viaCall = false): string {
  const { schema } = method;
  const lines: string[] = [];
  const command = viaCall ? `oneoffice call ${method.name}` : `oneoffice ${method.name}`;
  lines.push(`Usage: ${command} [parameter flags] [--params <json|@file|->] [flags]`, '');
  if (schema.description) lines.push(...schema.description.split('\n'), '');
  if (method.source !== 'builtin') lines.push(`Schema: ${method.source}`, '');

  lines.push('Parameters:');
  const flags = paramFlags(schema);
  if (flags.length === 0) lines.push('  (none)');
  for (const flag of flags) lines.push(...describeParam(flag));
  lines.push('');

  const example = exampleCommand(command, schema);
  if (example) lines.push('Example:', `  ${example}`, '');
  const shown = CALL_OPTIONS.filter((spec) => METHOD_HELP_FLAGS.has(spec.long));
  lines.push('Flags:', ...optionLines(shown), ALL_FLAGS_POINTER, '');
  lines.push(exitCodeHelp(), '');
  return lines.join('\n');
}

function describeParam(param: ParamFlag): string[] {
  const { schema } = param;
  const type = primaryType(schema) ?? 'any';
  const head = `  ${param.flag} <${type}>${param.required ? '  (required)' : ''}`;
  const details: string[] = [];
  if (schema.description) details.push(schema.description);
  if (schema.enum) details.push(`one of: ${schema.enum.map(String).join(', ')}`);
  if (schema.format) details.push(`format: ${schema.format}`);
  const limits = [
    schema.minimum !== undefined ? `>= ${schema.minimum}` : '',
    schema.maximum !== undefined ? `<= ${schema.maximum}` : '',
    schema.minLength !== undefined && schema.minLength > 1 ? `at least ${schema.minLength} characters` : '',
    schema.maxLength !== undefined ? `at most ${schema.maxLength} characters` : '',
  ].filter(Boolean);
  if (limits.length) details.push(`limits: ${limits.join(', ')}`);
  if (type === 'boolean') details.push(`${param.flag} alone means true; ${param.flag} false or --no-${param.flag.slice(2)} sends false (also yes/no, on/off, 1/0)`);
  if (type === 'object') details.push(`a JSON object, or its fields as ${param.flag}.<field> flags`);
  if (schema['x-secret']) details.push('secret: masked whenever a request is printed');
  const example = schema.examples?.[0];
  if (example !== undefined && !schema['x-secret']) details.push(`example: ${param.flag} ${shellQuote(flagText(example))}`);
  return [head, ...details.map((line) => `      ${line}`)];
}

function flagText(value: unknown): string {
  return typeof value === 'string' ? value : spacedJson(value);
}

/** JSON with a space after each comma and colon: help may then wrap it, and it stays the same JSON. */
function spacedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${spacedJson(item)}`).join(', ')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** The schema's first example as flags, nested objects as dotted flags. */
export function exampleCommand(command: string, schema: JsonSchema): string | undefined {
  const example = schema.examples?.[0];
  if (typeof example !== 'object' || example === null) return undefined;
  const words: string[] = [];
  const walk = (value: Record<string, unknown>, path: string[]) => {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = [...path, key];
      if (typeof item === 'object' && item !== null && !Array.isArray(item)) walk(item as Record<string, unknown>, itemPath);
      else words.push(flagOf(itemPath), shellQuote(flagText(item)));
    }
  };
  walk(example as Record<string, unknown>, []);
  return [command, ...words].join(' ');
}

export function optionLines(specs: readonly OptionSpec[]): string[] {
  const labels = specs.map((spec) => {
    const names = spec.short ? `${spec.short}, ${spec.long}` : `    ${spec.long}`;
    if (spec.takes === 'optional') return `${names}[=${spec.valueName ?? 'value'}]`;
    return spec.takes === 'none' || spec.takes === 'count' ? names : `${names} <${spec.valueName ?? 'value'}>`;
  });
  const width = Math.max(...labels.map((label) => label.length));
  return specs.map((spec, i) => `  ${(labels[i] as string).padEnd(width)}  ${spec.description}`);
}

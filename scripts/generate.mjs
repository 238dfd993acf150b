// The generate step: schemas/*.json -> src/generated/ (the bundled schemas, an ajv standalone
// validator per method and per answer schema, and the params and result types). The build runs it
// first; `npm run typecheck` runs it alone (about a second), so a fresh clone type-checks right
// after `npm ci` without the whole build.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { scenarioSchema } from './scenario-schema.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'src', 'generated');

// ajv standalone code `require`s its runtime helpers; swap them for ESM ones we own.
const RUNTIME_SHIMS = { 'ajv/dist/runtime/ucs2length': 'ucs2length' };

/**
 * `pattern` without its `i` flag, each `a-z` range of a character class written `a-zA-Z`: the same
 * matches (without the `u` flag, case-insensitive matching relates no character beyond ASCII to an
 * ASCII one, and among ASCII only a-z to A-Z), compiled by V8 about three times faster. ajv-formats'
 * e-mail pattern cost ~0.2 ms of every call that checks an address, the first time it ran. A pattern
 * with any other letter, or a flag besides `i`, is refused here, at the build.
 */
export function withoutIgnoreCase(pattern) {
  if (pattern.flags !== 'i') throw new Error(`withoutIgnoreCase: /${pattern.source}/${pattern.flags} has flags other than i`);
  let source = '';
  let inClass = false;
  for (let at = 0; at < pattern.source.length; at++) {
    const char = pattern.source[at];
    if (char === '\\') {
      const escaped = pattern.source[at + 1] ?? '';
      // \d, \w, \b and the like are letters with a meaning of their own: not handled.
      if (/[A-Za-z]/.test(escaped)) throw new Error(`withoutIgnoreCase: /${pattern.source}/ has an escape \\${escaped}`);
      source += char + escaped;
      at++;
    } else if (inClass && pattern.source.startsWith('a-z', at)) {
      source += 'a-zA-Z';
      at += 2;
    } else if (/[A-Za-z]/.test(char)) {
      throw new Error(`withoutIgnoreCase: /${pattern.source}/ has a letter (${char}) outside an a-z range of a class`);
    } else {
      if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      source += char;
    }
  }
  return new RegExp(source);
}

/** ajv-formats' e-mail pattern, the same matches without `i` (withoutIgnoreCase). */
const EMAIL = withoutIgnoreCase(fullFormats.email);

/** An ajv standalone validator for `schema` as src/generated/validators/NAME.js, with its declaration. Answers may be null or a string ({ allowUnionTypes }). */
function writeValidator(name, schema, source, options = {}) {
  const ajv = new Ajv({ allErrors: true, strict: true, ...options, code: { source: true, esm: true } });
  addFormats.default(ajv);
  ajv.addFormat('email', EMAIL);
  ajv.addKeyword('x-secret');
  ajv.addKeyword('x-idempotent');
  ajv.addKeyword('x-response');
  let code = standaloneCode.default(ajv, ajv.compile(schema));
  const imports = new Set();
  code = code.replace(/require\("([^"]+)"\)\.default/g, (whole, module) => {
    const shim = RUNTIME_SHIMS[module];
    if (!shim) throw new Error(`${source}: ajv standalone code needs ${module}; add an ESM shim to src/api/schema/ajv-runtime.ts`);
    imports.add(shim);
    return shim;
  });
  // A format checked by a function (uri) is ajv-formats' own code: the same checks as at run time.
  const formats = code.includes('require("ajv-formats/dist/formats")');
  code = code.replaceAll('require("ajv-formats/dist/formats")', 'ajvFormats');
  if (code.includes('require(')) throw new Error(`${source}: unexpected require() in standalone code`);
  let header = imports.size ? `import { ${[...imports].join(', ')} } from '../../api/schema/ajv-runtime.js';\n` : '';
  if (formats) header += `import * as ajvFormats from 'ajv-formats/dist/formats.js';\n`;
  writeFileSync(join(generated, 'validators', `${name}.js`), `// Generated from ${source} by scripts/build.mjs. Do not edit.\n${header}${code.replace(/^"use strict";/, '')}\n`);
  writeFileSync(
    join(generated, 'validators', `${name}.d.ts`),
    `import type { CompiledValidator } from '../../api/schema/types.js';\nexport declare const validate: CompiledValidator;\nexport default validate;\n`,
  );
}

/** Writes src/generated/ anew; returns the built-in method names. */
export function generateValidators() {
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(join(generated, 'validators'), { recursive: true });
  const schemas = {};
  const names = readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.json')).sort();
  for (const file of names) {
    const name = file.slice(0, -5);
    const schema = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
    schemas[name] = schema;
    writeValidator(name, schema, `schemas/${file}`);
    // The documented answer too, so `oneoffice test` checks answers without loading ajv (~70 ms).
    if (schema['x-response']) writeValidator(`${name}Response`, schema['x-response'], `the "x-response" of schemas/${file}`, { allowUnionTypes: true });
  }
  writeFileSync(join(generated, 'types.ts'), typesFor(schemas));
  // The JSON Schema of scenario files, for editors: printed by `oneoffice test --print-schema` (a
  // lazy part: a test run does not load it) and shipped as dist/scenario.schema.json.
  const scenario = `${JSON.stringify(scenarioSchema(schemas), null, 2)}\n`;
  writeFileSync(join(generated, 'scenario.schema.json'), scenario);
  writeFileSync(
    join(generated, 'scenario-schema.ts'),
    `// Generated from schemas/*.json by scripts/scenario-schema.mjs. Do not edit.\n\n/** The JSON Schema of scenario files, as text. */\nexport const SCENARIO_SCHEMA: string = ${JSON.stringify(scenario)};\n`,
  );
  // Answers' schemas in a module of their own: every CLI start loads builtinSchemas, and only the
  // library's users and tests read the responses.
  const responses = Object.fromEntries(Object.entries(schemas).filter(([, schema]) => schema['x-response']).map(([name, schema]) => [name, schema['x-response']]));
  writeFileSync(
    join(generated, 'responses.ts'),
    `// Generated from the "x-response" of schemas/*.json by scripts/build.mjs. Do not edit.\nimport type { CompiledValidator, JsonSchema } from '../api/schema/types.js';\n\n/** The schema of each built-in method's answer. */\nexport const builtinResponses: Record<string, JsonSchema> = ${JSON.stringify(responses, null, 2)};\n\n/** Each answer's validator, compiled at build time, loaded on first use. */\nexport const builtinResponseValidators: Record<string, () => Promise<CompiledValidator>> = {\n${Object.keys(responses).map((name) => `  ${JSON.stringify(name)}: () => import('./validators/${name}Response.js').then((m) => m.validate),`).join('\n')}\n};\n`,
  );
  const loaders = Object.keys(schemas)
    .map((name) => `  ${JSON.stringify(name)}: () => import('./validators/${name}.js').then((m) => m.validate),`)
    .join('\n');
  writeFileSync(
    join(generated, 'builtin.ts'),
    `// Generated from schemas/*.json by scripts/build.mjs. Do not edit.
import type { CompiledValidator, JsonSchema } from '../api/schema/types.js';

// Parsed from JSON text rather than written as object literals: every start makes them, and V8
// parses JSON faster than it runs the code of literals this size.
export const builtinSchemas: Record<string, JsonSchema> = JSON.parse(${JSON.stringify(JSON.stringify(withoutResponses(schemas)))});

export const builtinValidators: Record<string, () => Promise<CompiledValidator>> = {
${loaders}
};
`,
  );
  return Object.keys(schemas);
}

function withoutResponses(schemas) {
  return Object.fromEntries(Object.entries(schemas).map(([name, { 'x-response': _response, ...schema }]) => [name, schema]));
}

// TypeScript types for each method's params, so library users get the schemas' checks at compile time.
// Results are closed (`open: false`): a field the schema does not name is a compile error, not
// `unknown`, so a misspelled result field is caught; params stay open where the schema allows more.
function typeOf(schema, indent, open = true) {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.type)) return schema.type.map((type) => typeOf({ ...schema, type }, indent, open)).join(' | ');
  switch (schema.type ?? (schema.properties ? 'object' : undefined)) {
    case 'string': return 'string';
    case 'integer': case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return `Array<${schema.items ? typeOf(schema.items, indent, open) : 'unknown'}>`;
    case 'object': {
      if (!schema.properties) return 'Record<string, unknown>';
      const required = new Set(schema.required ?? []);
      const inner = `${indent}  `;
      const fields = Object.entries(schema.properties).map(([key, property]) => {
        const doc = property.description ? `${inner}/** ${property.description.replace(/\*\//g, '*\\/').split('\n')[0]} */\n` : '';
        return `${doc}${inner}${JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${typeOf(property, inner, open)};`;
      });
      if (open && schema.additionalProperties !== false) fields.push(`${inner}[key: string]: unknown;`);
      return `{\n${fields.join('\n')}\n${indent}}`;
    }
    default: return 'unknown';
  }
}

// Each method's params type (from the schema) and result type (from its "x-response"), and the maps
// the library client's methods are typed from (src/client/client.ts).
function typesFor(schemas) {
  const pascal = (name, suffix) => `${name[0].toUpperCase()}${name.slice(1)}${suffix}`;
  const summary = (schema, name) => (schema.description ?? name).split('\n')[0];
  const declarations = Object.entries(schemas).map(([name, schema]) => {
    const response = schema['x-response'];
    const result = response ? typeOf(response, '', false) : 'unknown';
    const doc = response?.description ? `/** ${summary(response, name)} */\n` : '';
    return `/** ${summary(schema, name)} */\nexport type ${pascal(name, 'Params')} = ${typeOf(schema, '')};\n${doc}export type ${pascal(name, 'Result')} = ${result};\n`;
  });
  const map = (suffix) => Object.keys(schemas).map((name) => `  ${name}: ${pascal(name, suffix)};`).join('\n');
  return `// Generated from schemas/*.json by scripts/build.mjs. Do not edit.\n\n${declarations.join('\n')}\n/** Params of every built-in method, by method name. */\nexport interface MethodParams {\n${map('Params')}\n}\n\n/** What every built-in method answers with (its "x-response"), by method name. */\nexport interface MethodResults {\n${map('Result')}\n}\n\n/** The built-in methods, one client method each. */\nexport const METHOD_NAMES = ${JSON.stringify(Object.keys(schemas))} as const;\n`;
}

// Run as a script (npm run generate / typecheck); imported by build.mjs, it does nothing on import.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const methods = generateValidators();
  if (!process.argv.includes('--quiet')) process.stderr.write(`generated src/generated/ (${methods.length} method schemas)\n`);
}

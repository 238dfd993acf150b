// Build: schemas/*.json -> src/generated (bundled schemas, ajv standalone validators, one per
// method, and params types), then esbuild: the library in dist/ (ES modules) and the CLI in
// dist/cli/ (CommonJS), whose heavy parts (undici, conf, ajv, commander) load only when used.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { manPage } from './man.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'src', 'generated');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// ajv standalone code `require`s its runtime helpers; swap them for ESM ones we own.
const RUNTIME_SHIMS = { 'ajv/dist/runtime/ucs2length': 'ucs2length' };

/** An ajv standalone validator for `schema` as src/generated/validators/NAME.js, with its declaration. Answers may be null or a string ({ allowUnionTypes }). */
function writeValidator(name, schema, source, options = {}) {
  const ajv = new Ajv({ allErrors: true, strict: true, ...options, code: { source: true, esm: true } });
  addFormats.default(ajv);
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

function generateValidators() {
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

export const builtinSchemas: Record<string, JsonSchema> = ${JSON.stringify(withoutResponses(schemas), null, 2)};

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

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  define: { __ONEOFFICE_VERSION__: JSON.stringify(pkg.version), __ONEOFFICE_HELP__: 'null' },
  legalComments: 'none',
  logLevel: 'warning',
  // A native addon: it finds its prebuilt binary next to its own files, so it is loaded from node_modules.
  external: ['fs-native-extensions'],
};

// The library: ES modules, for `import { ... } from 'oneoffice'`.
async function bundleLibrary() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  await build({
    ...shared,
    entryPoints: { index: join(root, 'src', 'index.ts') },
    outdir: join(root, 'dist'),
    splitting: true,
    format: 'esm',
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [undiciAccepts100Continue()],
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}

// The CLI: CommonJS, which Node starts faster than ES modules, as a small core plus one bundle per
// part it loads only when needed (what `await import(...)` names in src/). Each lazy part is
// required, not imported: import() of CommonJS makes Node scan the whole file for its exports.
const CLI_DIR = join(root, 'dist', 'cli');

/**
 * The command registry (src/cli/registry.ts) as the build sees it: the names of the commands and
 * the files its `() => import(...)`s load, each of which becomes a lazy part named after its file.
 */
async function commandRegistry() {
  const lazy = new Set();
  const result = await build({
    entryPoints: [join(root, 'src', 'cli', 'registry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
    plugins: [{
      name: 'registry-lazy-imports',
      setup(builder) {
        builder.onResolve({ filter: /.*/ }, (args) => {
          if (args.kind !== 'dynamic-import') return undefined;
          lazy.add(relative(root, resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))).split('\\').join('/'));
          return { path: args.path, external: true };
        });
      },
    }],
  });
  const { COMMANDS } = await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
  if (lazy.size === 0 || !Array.isArray(COMMANDS)) throw new Error('src/cli/registry.ts: no commands or no lazy imports found');
  return { names: COMMANDS.map((command) => command.name), lazyFiles: [...lazy] };
}
const registry = await commandRegistry();

// Keyed by the source file (or package) a dynamic import() resolves to, whatever the importer:
// the registry's command code, then the parts the commands load on use.
const LAZY_PARTS = {
  ...Object.fromEntries(registry.lazyFiles.map((file) => [file, basename(file, '.ts')])),
  'src/cli/commands/call.ts': 'call',
  'src/cli/commands/curl.ts': 'curl',
  'src/cli/perform.ts': 'perform',
  'src/http/undici-transport.ts': 'transport',
  'src/cli/commands/mock-backend.ts': 'mock-backend',
  'src/scenario/query.ts': 'query',
  'src/mock/server.ts': 'mock-server',
  'src/config/store.ts': 'store',
  'src/api/schema/ajv-compile.ts': 'ajv-compile',
  'src/output/write-out.ts': 'write-out',
  'src/output/verbose.ts': 'verbose',
  'src/api/json-check.ts': 'json-check',
  'node_modules/chalk/source/index.js': 'chalk',
  'node_modules/read/dist/esm/read.js': 'read',
  'node_modules/picomatch/index.js': 'picomatch',
  'node_modules/@jmespath-community/jmespath/dist/index.mjs': 'jmespath',
};
const PACKAGE_PARTS = { chalk: 'node_modules/chalk/source/index.js', read: 'node_modules/read/dist/esm/read.js', picomatch: 'node_modules/picomatch/index.js', '@jmespath-community/jmespath': 'node_modules/@jmespath-community/jmespath/dist/index.mjs' };

function lazyParts(self) {
  return {
    name: 'lazy-parts',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const validator = /\/validators\/(\w+)\.js$/.exec(args.path);
        if (validator) return { path: `./validators/${validator[1]}.cjs`, external: true };
        const file = PACKAGE_PARTS[args.path] ?? relative(root, resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
        const part = LAZY_PARTS[file];
        return part && part !== self ? { path: `./${part}.cjs`, external: true } : undefined;
      });
    },
  };
}

// undici's HTTP/2 client loads node:http2 and node:tls (~5 ms) when undici starts, though oneoffice
// never enables allowH2; the CLI bundles get a stand-in (the library keeps undici whole).
function withoutHttp2() {
  return {
    name: 'undici-without-http2',
    setup(builder) {
      builder.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
        args.importer.includes(join('node_modules', 'undici', 'lib')) ? { path: join(root, 'scripts', 'undici-client-h2.cjs') } : undefined,
      );
    },
  };
}

// RFC 9110 (15.2): a client must accept 1xx answers before the final one, even unasked. undici
// reads 102 and 103 that way but drops the connection on a 100 Continue, so a call the server has
// taken would be recorded as a reset (issue 13). Patched where it is bundled, until undici does it.
const UNDICI_100_CHECK = `    if (statusCode === 100) {
      util.destroy(socket, new SocketError('bad response', util.getSocketInfo(socket)))
      return -1
    }
`;
function undiciAccepts100Continue() {
  return {
    name: 'undici-accepts-100-continue',
    setup(builder) {
      builder.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h1\.js$/ }, (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (!code.includes(UNDICI_100_CHECK)) throw new Error(`${args.path}: the 100 Continue check to patch is gone; see undiciAccepts100Continue in scripts/build.mjs`);
        return { contents: code.replace(UNDICI_100_CHECK, ''), loader: 'js' };
      });
    },
  };
}

async function bundleCli(help) {
  const cli = { ...shared, format: 'cjs', outExtension: { '.js': '.cjs' }, outdir: CLI_DIR };
  const builds = [build({ ...cli, entryPoints: { cli: join(root, 'src', 'cli', 'main.ts') }, plugins: [lazyParts('cli')], define: { ...shared.define, __ONEOFFICE_HELP__: JSON.stringify(help ?? null) } })];
  if (help === undefined) {
    for (const [file, name] of Object.entries(LAZY_PARTS)) builds.push(build({ ...cli, entryPoints: { [name]: join(root, file) }, plugins: [lazyParts(name), withoutHttp2(), undiciAccepts100Continue()] }));
    const validators = readdirSync(join(generated, 'validators')).filter((file) => file.endsWith('.js'));
    builds.push(build({ ...cli, entryPoints: validators.map((file) => join(generated, 'validators', file)), outdir: join(CLI_DIR, 'validators') }));
  }
  await Promise.all(builds);
  for (const file of readdirSync(CLI_DIR).filter((name) => name.endsWith('.cjs'))) {
    const path = join(CLI_DIR, file);
    const code = readFileSync(path, 'utf8').replace(/\bimport\(("\.\/[\w/-]+\.cjs")\)/g, 'Promise.resolve().then(() => require($1))');
    if (/\bimport\("\.\//.test(code)) throw new Error(`${file}: a lazy part is still loaded with import()`);
    writeFileSync(path, code);
  }
}

// Declarations for library users (esbuild does not write them).
function declarations() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('tsc could not write the declarations');
}

// `oneoffice --help` as commander renders it for the built-in methods, so the CLI can print it
// without loading commander (a second, quick build of the core embeds it).
function renderHelp(args = ['--help']) {
  const home = mkdtempSync(join(tmpdir(), 'oneoffice-build-'));
  try {
    const result = spawnSync(process.execPath, [join(root, 'bin', 'oneoffice.cjs'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'config') },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`could not render the help text: ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// oneoffice(1) from the same help text (listed in package.json "man").
function writeManPage(main) {
  const page = manPage(pkg.version, {
    main,
    methods: methods.map((name) => [name, renderHelp([name, '--help'])]),
    commands: registry.names.filter((name) => name !== 'help').map((name) => [name, renderHelp(['help', name])]),
  });
  mkdirSync(join(root, 'dist', 'man'), { recursive: true });
  writeFileSync(join(root, 'dist', 'man', 'oneoffice.1'), page);
}

const methods = generateValidators();
await bundleLibrary();
await bundleCli();
const mainHelp = renderHelp();
await bundleCli(mainHelp);
writeManPage(mainHelp);
declarations();
if (!process.argv.includes('--quiet')) process.stderr.write(`built dist/ (${methods.length} method schemas)\n`);

// Build: schemas/*.json -> src/generated (bundled schemas + ajv standalone validators, one per
// method), then one esbuild bundle in dist/ whose heavy parts (undici, conf, ajv) are lazy chunks.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'src', 'generated');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// ajv standalone code `require`s its runtime helpers; swap them for ESM ones we own.
const RUNTIME_SHIMS = { 'ajv/dist/runtime/ucs2length': 'ucs2length' };

function generateValidators() {
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(join(generated, 'validators'), { recursive: true });
  const schemas = {};
  const names = readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.json')).sort();
  for (const file of names) {
    const name = file.slice(0, -5);
    const schema = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
    schemas[name] = schema;
    const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: true } });
    addFormats.default(ajv);
    ajv.addKeyword('x-secret');
    ajv.addKeyword('x-idempotent');
    let code = standaloneCode.default(ajv, ajv.compile(schema));
    const imports = new Set();
    code = code.replace(/require\("([^"]+)"\)\.default/g, (whole, module) => {
      const shim = RUNTIME_SHIMS[module];
      if (!shim) throw new Error(`${file}: ajv standalone code needs ${module}; add an ESM shim to src/schema/ajv-runtime.ts`);
      imports.add(shim);
      return shim;
    });
    if (code.includes('require(')) throw new Error(`${file}: unexpected require() in standalone code`);
    const header = imports.size ? `import { ${[...imports].join(', ')} } from '../../schema/ajv-runtime.js';\n` : '';
    writeFileSync(join(generated, 'validators', `${name}.js`), `// Generated from schemas/${file} by scripts/build.mjs. Do not edit.\n${header}${code.replace(/^"use strict";/, '')}\n`);
    writeFileSync(
      join(generated, 'validators', `${name}.d.ts`),
      `import type { CompiledValidator } from '../../schema/types.js';\ndeclare const validate: CompiledValidator;\nexport default validate;\n`,
    );
  }
  const loaders = Object.keys(schemas)
    .map((name) => `  ${JSON.stringify(name)}: () => import('./validators/${name}.js').then((m) => m.default),`)
    .join('\n');
  writeFileSync(
    join(generated, 'builtin.ts'),
    `// Generated from schemas/*.json by scripts/build.mjs. Do not edit.
import type { CompiledValidator, JsonSchema } from '../schema/types.js';

export const builtinSchemas: Record<string, JsonSchema> = ${JSON.stringify(schemas, null, 2)};

export const builtinValidators: Record<string, () => Promise<CompiledValidator>> = {
${loaders}
};
`,
  );
  return Object.keys(schemas);
}

async function bundle() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  await build({
    entryPoints: { cli: join(root, 'src', 'cli.ts'), index: join(root, 'src', 'index.ts') },
    outdir: join(root, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    define: { __ONEOFFICE_VERSION__: JSON.stringify(pkg.version) },
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  });
}

const methods = generateValidators();
await bundle();
if (!process.argv.includes('--quiet')) process.stderr.write(`built dist/ (${methods.length} method schemas)\n`);

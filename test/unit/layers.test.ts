// The layering of src/ (ARCHITECTURE.md): a folder may import only from folders of a lower layer
// (and from itself). An import that points the other way, e.g. the HTTP layer importing the CLI,
// fails here; so does a cycle of value imports (inside a folder too: module A needs B needs A, and
// one of them sees the other half-loaded), and a value import where only types may cross (the
// printers may name a transport's types, never load one: printing sends nothing).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** Lowest first. Folders on one layer do not import each other. */
export const LAYERS: readonly (readonly string[])[] = [
  ['api', 'files'],
  ['http', 'options'],
  ['config'],
  ['client', 'output'],
  ['batch', 'doctor', 'mock', 'scenario'],
  ['cli'],
  ['index.ts'],
];

function layerOf(folder: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  if (index === -1) throw new Error(`src/${folder} is on no layer: add it to LAYERS and to ARCHITECTURE.md`);
  return index;
}

/** src/http/proxy.ts -> "http"; src/index.ts -> "index.ts". src/generated is built from schemas/ for the API core: part of it. */
function folderOf(srcRelative: string): string {
  const folder = srcRelative.split('/')[0] as string;
  return folder === 'generated' ? 'api' : folder;
}

interface SourceFile {
  /** Relative to src/. */
  path: string;
  text: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

export function layerViolations(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const from = folderOf(file.path);
    for (const match of file.text.matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2]) as string;
      const target = normalize(join(dirname(file.path), specifier));
      const to = folderOf(target);
      if (to === from) continue;
      if (layerOf(to) >= layerOf(from)) violations.push(`src/${file.path} imports src/${target} (${from} may not import ${to})`);
    }
  }
  return violations;
}

function sourceFiles(dir = join(ROOT, 'src')): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [{ path: relative(join(ROOT, 'src'), path).split('\\').join('/'), text: readFileSync(path, 'utf8') }];
  });
}

/** Value imports only (`import type`, and braces holding types alone, load nothing at run time). */
const VALUE_IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)([^'"]*?)from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

function valueImports(file: SourceFile): string[] {
  const targets: string[] = [];
  for (const match of file.text.matchAll(VALUE_IMPORT)) {
    const clause = (match[1] ?? '').trim();
    const names = /^\{([^}]*)\}$/.exec(clause)?.[1]?.split(',').map((name) => name.trim()).filter(Boolean);
    if (names && names.length > 0 && names.every((name) => name.startsWith('type '))) continue;
    // import() is lazy: it is loaded after both modules have finished, so it closes no cycle.
    if (match[3] !== undefined) continue;
    targets.push(normalize(join(dirname(file.path), match[2] as string)).split('\\').join('/').replace(/\.js$/, '.ts'));
  }
  return targets;
}

/** Each cycle of value imports once, as "a.ts -> b.ts -> a.ts". */
export function importCycles(files: readonly SourceFile[]): string[] {
  const graph = new Map(files.map((file) => [file.path, valueImports(file)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles = new Set<string>();
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.add([...stack.slice(stack.indexOf(next)), next].map((path) => `src/${path}`).join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const path of graph.keys()) if (!state.has(path)) visit(path);
  return [...cycles];
}

/** Modules that send: a printer (output/) may import their types, never their code. */
const TYPE_ONLY: ReadonlyArray<{ from: string; to: RegExp; why: string }> = [
  { from: 'output', to: /^http\/(transport|node-transport|undici-transport|undici-parts|client-cert)\.ts$/, why: 'printers send nothing' },
];

export function typeOnlyViolations(files: readonly SourceFile[]): string[] {
  return files.flatMap((file) =>
    valueImports(file)
      .filter((target) => TYPE_ONLY.some((rule) => folderOf(file.path) === rule.from && rule.to.test(target)))
      .map((target) => `src/${file.path} loads src/${target} (only its types may cross: ${TYPE_ONLY.find((rule) => rule.to.test(target))?.why})`),
  );
}

describe('layers', () => {
  it('no cycle of value imports, inside a folder or across', () => {
    expect(importCycles(sourceFiles().filter((file) => !file.path.endsWith('.d.ts')))).toEqual([]);
  });

  it('reports a cycle inside one folder, and not one closed by a type import or a lazy import()', () => {
    const files = [
      { path: 'api/a.ts', text: "import { b } from './b.js';\n" },
      { path: 'api/b.ts', text: "import { c } from './c.js';\n" },
      { path: 'api/c.ts', text: "export { a } from './a.js';\n" },
      { path: 'api/d.ts', text: "import type { E } from './e.js';\nimport { type F } from './e.js';\n" },
      { path: 'api/e.ts', text: "import { d } from './d.js';\nconst later = () => import('./d.js');\n" },
    ];
    expect(importCycles(files)).toEqual(['src/api/a.ts -> src/api/b.ts -> src/api/c.ts -> src/api/a.ts']);
  });

  it('printers may import a transport\'s types but not load it', () => {
    expect(typeOnlyViolations(sourceFiles())).toEqual([]);
    const files = [
      { path: 'output/body.ts', text: "import type { Transport } from '../http/transport.js';\nimport { openTransport } from '../http/transport.js';\n" },
      { path: 'output/verbose.ts', text: "import { curlTimings } from '../http/timings.js';\n" },
    ];
    expect(typeOnlyViolations(files)).toEqual(['src/output/body.ts loads src/http/transport.ts (only its types may cross: printers send nothing)']);
  });

  it('every import in src/ points to a lower layer or stays in its folder', () => {
    expect(layerViolations(sourceFiles())).toEqual([]);
  });

  it('reports an import that points up, e.g. the HTTP layer importing the CLI', () => {
    const files = [
      { path: 'http/proxy.ts', text: "import { main } from '../cli/main.js';\n" },
      { path: 'api/errors.ts', text: "const lazy = () => import('../output/color.js');\n" },
      { path: 'output/body.ts', text: "import type { Transport } from '../http/transport.js';\n" },
    ];
    expect(layerViolations(files)).toEqual([
      'src/http/proxy.ts imports src/cli/main.js (http may not import cli)',
      'src/api/errors.ts imports src/output/color.js (api may not import output)',
    ]);
  });
});

// The layering of src/ (ARCHITECTURE.md): a folder may import only from folders of a lower layer
// (and from itself). An import that points the other way, e.g. the HTTP layer importing the CLI,
// fails here.
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
  ['batch', 'mock', 'scenario'],
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

describe('layers', () => {
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

// The scenario files a run covers: files as given, directories (every *.yml and *.yaml below
// them, sorted) and --glob patterns, matched with picomatch (the matcher of micromatch, chokidar
// and vitest) while walking from the pattern's fixed base directory; picomatch loads only for --glob.
// Each file once, in the order given.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type picomatchFunction from 'picomatch';

type Picomatch = typeof picomatchFunction;

const SCENARIO_FILE = /\.ya?ml$/i;

export async function scenarioFiles(args: readonly string[], globs: readonly string[], cwd: string): Promise<{ files: string[]; problems: string[] }> {
  const files: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    // The same file named twice (a directory and a pattern, or two spellings) runs once.
    const key = resolve(cwd, file);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(file);
  };
  for (const arg of args) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(arg).isDirectory();
    } catch (error) {
      problems.push(`${arg}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    if (!isDirectory) {
      add(arg);
      continue;
    }
    const found = walk(arg);
    if (found.length === 0) problems.push(`${arg}: a directory with no scenario files (*.yml, *.yaml)`);
    found.forEach(add);
  }
  const picomatch = globs.length ? await loadPicomatch() : undefined;
  for (const pattern of globs) {
    const found = glob(picomatch as Picomatch, pattern, cwd);
    if (found.length === 0) problems.push(`--glob ${pattern}: matches no file`);
    found.forEach(add);
  }
  if (args.length === 0 && globs.length === 0) problems.push('test: name the scenario files to run (files, directories or --glob patterns)');
  return { files, problems };
}

/** picomatch is CommonJS: the function itself when required (the CLI's bundles), `default` when imported. */
async function loadPicomatch(): Promise<Picomatch> {
  const loaded: unknown = await import('picomatch');
  return (typeof loaded === 'function' ? loaded : (loaded as { default: Picomatch }).default) as Picomatch;
}

function glob(picomatch: Picomatch, pattern: string, cwd: string): string[] {
  const { base } = picomatch.scan(pattern);
  const isMatch = picomatch(pattern, { dot: false });
  const absolute = isAbsolute(pattern);
  let candidates: string[];
  try {
    // Paths are matched as the pattern is written: absolute, or relative to the working directory.
    candidates = walk(resolve(cwd, base === '' ? '.' : base), () => true).map((path) => (absolute ? path : relative(cwd, path)));
  } catch {
    return [];
  }
  return candidates.filter((path) => isMatch(path) || isMatch(`./${path}`)).sort();
}

function walk(dir: string, want: (name: string) => boolean = (name) => SCENARIO_FILE.test(name)): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(path, want));
    else if (want(entry.name)) found.push(path);
  }
  return found;
}

// One temporary directory for the whole run: every test's temp files (HOMEs, certificates, inputs)
// go under it through TMPDIR, and it is removed at the end, so runs leave nothing in /tmp.
// And a stale build is named before any test runs: the end-to-end tests spawn dist/, so after an
// edit without `npm run build` they would test yesterday's code and fail (or pass) for no reason.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the build reads: a file newer than its output means dist/ is stale. */
const BUILD_INPUTS = ['src', 'schemas', 'scripts/build.mjs', 'scripts/generate.mjs', 'scripts/man.mjs', 'package.json'];
const BUILD_OUTPUT = 'dist/cli/cli.cjs';

export default function setup(): () => void {
  const stale = staleBuild(process.argv);
  if (stale) throw new Error(stale);
  const root = mkdtempSync(join(tmpdir(), 'oneoffice-tests-'));
  process.env['TMPDIR'] = root;
  return () => rmSync(root, { recursive: true, force: true });
}

/** Why dist/ cannot be trusted, or undefined; a run of test/unit alone needs no build. */
export function staleBuild(argv: readonly string[]): string | undefined {
  const filters = argv.slice(argv.indexOf('run') + 1).filter((arg) => !arg.startsWith('-') && /^(\.\/)?test\//.test(arg));
  if (filters.length > 0 && filters.every((filter) => /^(\.\/)?test\/unit(\/|$)/.test(filter))) return undefined;
  const output = join(ROOT, BUILD_OUTPUT);
  if (!existsSync(output)) return `${BUILD_OUTPUT} is missing: run \`npm run build\` first (npm test builds before testing)`;
  const builtMs = statSync(output).mtimeMs;
  const newer = BUILD_INPUTS.map((input) => newestFile(join(ROOT, input))).find((file) => file !== undefined && file.mtimeMs > builtMs);
  return newer ? `dist/ is older than ${relative(ROOT, newer.path)}: run \`npm run build\` first (npm test builds before testing)` : undefined;
}

function newestFile(path: string): { path: string; mtimeMs: number } | undefined {
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  if (!stat.isDirectory()) return { path, mtimeMs: stat.mtimeMs };
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(path)) {
    // src/generated/ is written by the build itself, before its bundles.
    if (join(path, entry) === join(ROOT, 'src', 'generated')) continue;
    const found = newestFile(join(path, entry));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

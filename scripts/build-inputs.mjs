// What the build reads, in one place, for the two that need to know: `npm test`'s build, which is
// skipped when dist/ was built from exactly these inputs, and the tests' global setup, which refuses
// to test a dist/ built from others. Inputs are compared by content (not by modification time), so a
// deleted file, a checkout or a copy that keeps old times cannot make stale code look fresh.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Files and folders the build reads (bin/ runs to render the help; the lock pins what is bundled). */
const INPUTS = ['src', 'schemas', 'scripts', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** Written by the build itself (src/generated/), or not read by it. */
const SKIPPED = ['src/generated'];
/** The file a finished build leaves: what it was built from. Outside dist/ so it is not packed. */
const STAMP = 'node_modules/.cache/oneoffice/build-inputs.json';
/** Outputs of a build: one missing (deleted by hand) means building again. */
const OUTPUTS = ['dist/cli/cli.cjs', 'dist/index.js', 'dist/man/oneoffice.1', 'dist/index.d.ts', 'src/generated/builtin.ts'];

/** The man page's date: SOURCE_DATE_EPOCH (reproducible builds), else the last commit's, else today. */
export function manDate(root = ROOT) {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isFinite(epoch) && epoch > 0) return new Date(epoch * 1000).toISOString().slice(0, 10);
  const git = spawnSync('git', ['log', '-1', '--format=%cs'], { cwd: root, encoding: 'utf8' });
  return git.status === 0 && /^\d{4}-\d{2}-\d{2}$/.test(git.stdout.trim()) ? git.stdout.trim() : new Date().toISOString().slice(0, 10);
}

/** Each input file's content hash by its path from the root, and the man page's date. */
export function buildInputs(root = ROOT) {
  const files = {};
  for (const input of INPUTS) hashInto(files, root, join(root, input));
  return { manDate: manDate(root), files };
}

function hashInto(files, root, path) {
  const name = relative(root, path).split('\\').join('/');
  if (SKIPPED.includes(name) || !existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) hashInto(files, root, join(path, entry));
    return;
  }
  files[name] = createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Forgets the last build's inputs (a build that stops half-way leaves none). */
export function clearStamp(root = ROOT) {
  rmSync(join(root, STAMP), { force: true });
}

/** Records `inputs` as what dist/ was built from. */
export function writeStamp(inputs, root = ROOT) {
  mkdirSync(dirname(join(root, STAMP)), { recursive: true });
  writeFileSync(join(root, STAMP), JSON.stringify(inputs));
}

/** Why dist/ is not a build of `inputs` (naming a file that differs), or undefined when it is. */
export function staleReason(inputs = undefined, root = ROOT) {
  inputs ??= buildInputs(root);
  const missing = OUTPUTS.find((output) => !existsSync(join(root, output)));
  if (missing) return `${missing} is missing`;
  let built;
  try {
    built = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return 'dist/ was not built by scripts/build.mjs to the end';
  }
  const paths = new Set([...Object.keys(inputs.files), ...Object.keys(built.files ?? {})]);
  for (const path of [...paths].sort()) {
    if (inputs.files[path] === built.files?.[path]) continue;
    if (built.files?.[path] === undefined) return `${path} is new since dist/ was built`;
    if (inputs.files[path] === undefined) return `${path} is gone since dist/ was built`;
    return `${path} changed since dist/ was built`;
  }
  if (inputs.manDate !== built.manDate) return `the man page's date is now ${inputs.manDate}`;
  return undefined;
}

// npm test skips the build only when dist/ is a whole build of the inputs as they are, and the
// tests' global setup refuses a dist/ built from others: both read scripts/build-inputs.mjs. Here on
// a small tree of its own, so no test touches the repository's dist/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInputs, clearStamp, staleReason, writeStamp } from '../../scripts/build-inputs.mjs';
import { tempDir } from '../helpers/temp.js';

function builtTree(): string {
  const root = tempDir('build-inputs');
  for (const [path, content] of Object.entries({
    'src/cli/main.ts': 'main', 'src/generated/builtin.ts': 'generated', 'schemas/createUser.json': '{}', 'package.json': '{}',
    'dist/cli/cli.cjs': '', 'dist/index.js': '', 'dist/index.d.ts': '', 'dist/man/oneoffice.1': '',
  })) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  writeStamp(buildInputs(root), root);
  return root;
}

describe('whether dist/ is a build of the inputs', () => {
  it('is fresh right after a build, whatever the files\' times', () => {
    expect(staleReason(undefined, builtTree())).toBeUndefined();
  });

  it('names the input that changed, appeared or went since the build', () => {
    const root = builtTree();
    writeFileSync(join(root, 'src/cli/main.ts'), 'main, edited');
    expect(staleReason(undefined, root)).toBe('src/cli/main.ts changed since dist/ was built');
    writeFileSync(join(root, 'src/cli/main.ts'), 'main');
    writeFileSync(join(root, 'schemas/deleteUser.json'), '{}');
    expect(staleReason(undefined, root)).toBe('schemas/deleteUser.json is new since dist/ was built');
    rmSync(join(root, 'schemas/deleteUser.json'));
    rmSync(join(root, 'schemas/createUser.json'));
    expect(staleReason(undefined, root)).toBe('schemas/createUser.json is gone since dist/ was built');
  });

  it('ignores src/generated/, which the build writes itself', () => {
    const root = builtTree();
    writeFileSync(join(root, 'src/generated/builtin.ts'), 'generated again');
    expect(staleReason(undefined, root)).toBeUndefined();
  });

  it('is stale when an output is missing or the build did not finish', () => {
    const root = builtTree();
    rmSync(join(root, 'dist/man/oneoffice.1'));
    expect(staleReason(undefined, root)).toBe('dist/man/oneoffice.1 is missing');
    const unfinished = builtTree();
    clearStamp(unfinished);
    expect(staleReason(undefined, unfinished)).toBe('dist/ was not built by scripts/build.mjs to the end');
  });
});

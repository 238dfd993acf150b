// The README's "Use as a library" example, run as it is printed (a user's module importing the
// built package) against the local server: a doc example that stops working fails here.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from 'oneoffice';
import { ROOT } from '../helpers/cli.js';

let mock: MockServer;
// Inside the repository, so that `import ... from 'oneoffice'` resolves to this package.
const dir = join(ROOT, 'test', '.readme-example');
beforeAll(async () => {
  mock = await startMockServer();
  mkdirSync(dir, { recursive: true });
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

function librarySection(fence = 'ts'): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Use as a library\n')[1]?.split('\n## ')[0] ?? '';
  const code = new RegExp(`\`\`\`${fence}\n([\\s\\S]*?)\`\`\``).exec(section)?.[1];
  if (!code) throw new Error(`README: no \`\`\`${fence} block under "## Use as a library"`);
  return code;
}

it("the README's library example runs against the local server and prints what its comments say", async () => {
  const file = join(dir, 'example.mjs');
  // The example is TypeScript only by its file type: it is valid JavaScript as printed.
  writeFileSync(file, librarySection());
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], { env: { PATH: process.env['PATH'] ?? '', HOME: dir, ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token } });
  expect(stderr).toBe('');
  expect(stdout).toBe('lib@example.com true\n400 duplicate key value violates unique constraint "users_email"\nobject\n');
});

it("the README's CommonJS example runs as example.js in a project that npm init -y makes (\"type\": \"commonjs\")", async () => {
  const project = join(dir, 'cjs');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'cjs', version: '1.0.0', main: 'index.js', type: 'commonjs' }, null, 2)}\n`);
  const file = join(project, 'example.js');
  writeFileSync(file, librarySection('js'));
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], { env: { PATH: process.env['PATH'] ?? '', HOME: dir, ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token } });
  expect(stderr).toBe('');
  // Created by the first example (the tests of a file run in order).
  expect(stdout).toBe('New User\n');
});

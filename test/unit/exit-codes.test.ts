// Exit codes come from one table (EXIT_CODES in src/api/errors.ts): the README's table and the help
// text say the same, so adding a code anywhere else first fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { EXIT_CODES, exitCodeHelp } from '../../src/api/errors.js';
import { ROOT } from '../helpers/cli.js';

it("the README's exit-code table lists exactly the codes of EXIT_CODES, in order", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const table = readme.split('\n## Exit codes\n')[1]?.split('\n## ')[0] ?? '';
  const codes = [...table.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1]));
  expect(codes).toEqual(EXIT_CODES.map((entry) => entry.code));
});

it('the help text lists every code of the table, the signal codes too, with its meaning, one per line', () => {
  const lines = exitCodeHelp().split('\n');
  expect(lines[0]).toBe('Exit codes:');
  expect(lines.slice(1)).toEqual(EXIT_CODES.map((entry) => `  ${String(entry.code).padEnd(3)}  ${entry.meaning}`));
  for (const code of [129, 130, 143, 149]) expect(lines.some((line) => line.startsWith(`  ${code}  `))).toBe(true);
});

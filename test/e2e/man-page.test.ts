// oneoffice(1) read by its real readers: `mandoc -T lint` finds nothing to say, and the page as
// man-db's `man` lays it out at MANWIDTH=80 has no line wider than 80 columns. Its content comes
// from the specs --help is made of: every command, method, call flag and exit code is there.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/api/errors.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { builtinSchemas } from '../../src/generated/builtin.js';
import { CALL_OPTIONS } from '../../src/options/args.js';
import { ROOT } from '../helpers/cli.js';

const PAGE = join(ROOT, 'dist', 'man', 'oneoffice.1');
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
// CI installs both (.ci/run); a developer without them is told, not failed.
const NO_MANDOC = !has('mandoc') && process.env['CI'] !== 'true';
const NO_MAN = !has('man') && process.env['CI'] !== 'true';

/** The page as `man` shows it on an 80-column terminal, formatting stripped. */
function rendered(): string {
  const result = spawnSync('man', ['-l', PAGE], { env: { PATH: process.env['PATH'] ?? '', MANWIDTH: '80', MAN_KEEP_FORMATTING: '', LANG: 'C.UTF-8' }, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.replace(/.\x08/g, '');
}

describe('the man page', () => {
  it.skipIf(NO_MANDOC)('is clean for mandoc -T lint: no style note, warning or error', () => {
    const lint = spawnSync('mandoc', ['-T', 'lint', '-W', 'style', PAGE], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it.skipIf(NO_MAN)('fits 80 columns at MANWIDTH=80, with the sections a man page has, in order', () => {
    const text = rendered();
    const wide = text.split('\n').filter((line) => [...line].length > 80);
    expect(wide).toEqual([]);
    const headings = text.split('\n').filter((line) => /^[A-Z][A-Z ]+$/.test(line));
    expect(headings).toEqual(['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'METHODS', 'OPTIONS', 'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'EXAMPLES', 'SEE ALSO']);
  });

  it.skipIf(NO_MAN)('names every command, method, call flag and exit code that the help knows', () => {
    const text = rendered();
    const section = (name: string, next: string) => text.slice(text.indexOf(`\n${name}\n`), text.indexOf(`\n${next}\n`));
    for (const command of COMMANDS) expect(section('COMMANDS', 'METHODS')).toContain(`   ${command.usage}\n`);
    for (const method of Object.keys(builtinSchemas)) expect(section('METHODS', 'OPTIONS')).toContain(`   ${method}\n`);
    for (const option of CALL_OPTIONS) expect(section('OPTIONS', 'EXIT STATUS')).toContain(option.long);
    for (const { code } of EXIT_CODES) expect(section('EXIT STATUS', 'ENVIRONMENT')).toMatch(new RegExp(`\\n {7}${code} +\\S`));
    expect(readFileSync(PAGE, 'utf8')).toMatch(/^\.TH ONEOFFICE 1 \d{4}-\d{2}-\d{2} "oneoffice /);
  });

  it("gives a param's allowed values in the sentence of its description, without a stray full stop", () => {
    const page = readFileSync(PAGE, 'utf8');
    expect(page).not.toContain('.; one of');
    expect(page).toContain('The product ordered; one of: oo\\-lite, oo\\-std,');
  });
});

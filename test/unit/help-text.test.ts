// Every help text, read through main() as a user gets it: wrapped to the terminal between words,
// a method's help short and pointing to the one list of call flags, and what it says true to the
// exit-code table.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Capture } from '../helpers/in-process.js';
import { main, type Deps } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { EXIT_CODES, ExitCode } from '../../src/api/errors.js';
import { CALL_OPTIONS } from '../../src/options/args.js';
import { METHOD_HELP_FLAGS } from '../../src/cli/help/method-help.js';
import { builtinSchemas } from '../../src/generated/builtin.js';
import { wrapHelp } from '../../src/cli/help/wrap.js';
import { WRITE_OUT_VARIABLES } from '../../src/output/write-out-values.js';
import { load } from 'js-yaml';

async function help(argv: string[], env: Record<string, string> = {}, stdout = new Capture()): Promise<string> {
  const deps: Deps = { stdout, stderr: new Capture(), stdin: new PassThrough(), env: { HOME: '/nonexistent', ...env } };
  const code = await main(argv, deps);
  expect(code, `${argv.join(' ')}: ${(deps.stderr as Capture).text}`).toBe(0);
  return stdout.text;
}

const METHODS = Object.keys(builtinSchemas);
const HELP_COMMANDS: string[][] = [
  ['--help'],
  ...COMMANDS.flatMap((command) => [['help', command.name], ...(command.name === 'help' ? [] : [[command.name, '--help']])]),
  ['config', 'set', '--help'],
  ...METHODS.flatMap((method) => [[method, '--help'], ['call', method, '--help'], ['help', method]]),
];

/** The words of a text; a comment's "#" is repeated on each line it wraps to, so it is not one. */
const words = (text: string) => text.split(/\s+/).filter((word) => word !== '' && word !== '#');

describe('help wraps to the terminal, between words', () => {
  for (const columns of [80, 60]) {
    it.each(HELP_COMMANDS.map((argv) => [argv.join(' '), argv] as const))(`at ${columns} columns no line of \`oneoffice %s\` is wider, and no word is cut`, async (_, argv) => {
      const narrow = await help(argv, { COLUMNS: String(columns) });
      const wide = await help(argv, { COLUMNS: '100000' });
      const over = narrow.split('\n').filter((line) => line.length > columns);
      expect(over).toEqual([]);
      expect(words(narrow)).toEqual(words(wide));
    });
  }

  it('without $COLUMNS, a terminal is filled to its width and a pipe to 80 columns', async () => {
    const onTerminal = await help(['batch', '--help'], {}, new Capture(true, 70));
    expect(Math.max(...onTerminal.split('\n').map((line) => line.length))).toBe(70);
    const piped = await help(['batch', '--help']);
    expect(Math.max(...piped.split('\n').map((line) => line.length))).toBe(80);
  });

  it.each([80, 60, 40])("test --help's scenario sample is the same YAML at %i columns as unwrapped: a wrapped comment stays a comment, a wrapped value goes on deeper", async (columns) => {
    const sample = (text: string) => load(text.split('\n\n')[2]?.replace(/^ {2}/gm, '') ?? '');
    const wide = sample(await help(['test', '--help'], { COLUMNS: '100000' }));
    expect(wide).toMatchObject({ name: 'onboarding', steps: [{ call: 'createUser' }, { call: 'createUser' }, { call: 'getUserByEmail' }] });
    expect(sample(await help(['test', '--help'], { COLUMNS: String(columns) }))).toEqual(wide);
  });

  it.each([
    ['batch', 'Usage:', '\n\n'],
    ['batch', '  CSV  ', '\n\n'],
    ['doctor', '  proxy, dns', '\nEach line'],
    ['doctor', '  3 configuration', '\n\n'],
  ])('%s --help fills its item at "%s" to 80 columns, instead of breaking it where its source text did', async (command, from, to) => {
    const text = await help([command, '--help'], { COLUMNS: '80' });
    const start = text.indexOf(from);
    const lines = text.slice(start, text.indexOf(to, start + from.length)).split('\n').filter((line) => line.trim() !== '');
    // A line followed by more of its item is full: the next line's first word would not have fitted.
    const early = lines.slice(0, -1).filter((line, i) => {
      const next = lines[i + 1] ?? '';
      const nextItem = /^ {2}\S.*? {2,}\S/.test(next);
      return !nextItem && line.length + 1 + (next.trim().split(' ')[0]?.length ?? 0) <= 80;
    });
    expect(early).toEqual([]);
  });

  it('continues a description under its own column, and refills prose paragraphs', () => {
    expect(wrapHelp('  --max-time <s>  give up on each attempt after this long (default 30)', 40)).toBe(
      ['  --max-time <s>  give up on each', '                  attempt after this', '                  long (default 30)'].join('\n'),
    );
    expect(wrapHelp('A paragraph written on\ntwo lines is refilled.\n\nHeading:\n  item', 80)).toBe('A paragraph written on two lines is refilled.\n\nHeading:\n  item');
  });
});

describe("a method's help", () => {
  it.each(METHODS)('%s --help lists its parameters and the few flags that matter, and points to oneoffice --help for the rest', async (method) => {
    const text = await help([method, '--help'], { COLUMNS: '100000' });
    for (const spec of CALL_OPTIONS) {
      const listed = text.includes(`  ${spec.short ? `${spec.short}, ` : '    '}${spec.long}`);
      expect(listed, spec.long).toBe(METHOD_HELP_FLAGS.has(spec.long));
    }
    expect(text).toContain('Every other flag (URL, token, headers, timeouts, retries, proxy, TLS, profiles): oneoffice --help');
    expect(text.split('\n').length).toBeLessThan(70);
  });

  it('oneoffice --help, where it points, lists every call flag', async () => {
    const text = await help(['--help'], { COLUMNS: '100000' });
    for (const spec of CALL_OPTIONS) expect(text, spec.long).toContain(spec.long);
  });
});

/** The codes an exit list in help names, in order ("4-7" names 4 to 7). */
function listedCodes(text: string): number[] {
  const list = text.split('\nExit codes:\n')[1]?.split(/\n(?! )/)[0] ?? '';
  return [...list.matchAll(/^ {2}(\d+)(?:-(\d+))?  /gm)].flatMap((match) => {
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

describe('what help says is true', () => {
  it.each([['--help'], ['createUser --help']])('`oneoffice %s` lists every exit code of the table, the signal codes too', async (words) => {
    const argv = words.split(' ');
    const text = await help(argv, { COLUMNS: '100000' });
    expect(listedCodes(text)).toEqual(EXIT_CODES.map((entry) => entry.code));
    for (const entry of EXIT_CODES) expect(text).toMatch(new RegExp(`\\n  ${entry.code} +${entry.meaning.replace(/[()]/g, '\\$&')}\\n`));
  });

  it.each([['batch'], ['test']])('%s --help lists only codes of the table, with 23 for output that cannot be written and the four signal codes', async (command) => {
    const codes = listedCodes(await help([command, '--help'], { COLUMNS: '100000' }));
    const table = EXIT_CODES.map((entry) => entry.code as number);
    expect(codes.filter((code) => !table.includes(code))).toEqual([]);
    for (const code of [ExitCode.output, 129, 130, 143, 149]) expect(codes).toContain(code);
  });

  it('batch --help says unwritable results end with exit 23, not 8', async () => {
    const text = await help(['batch', '--help'], { COLUMNS: '100000' });
    expect(text).toContain('and the exit code is 23.');
    expect(text).not.toMatch(/exit code is 8\b/);
  });

  it.each([['doctor'], ['mock']])('%s --help, which makes one attempt per call, names no --retry flag: it takes none', async (command) => {
    const text = await help([command, '--help'], { COLUMNS: '100000' });
    expect(text).toMatch(/--max-time <seconds> +give up on the call after this long \(default 30, at most 86400\)\n/);
    expect(text).not.toContain('--retry-max-time');
  });

  it.each(COMMANDS.map((command) => [command.name, command] as const))('oneoffice --help describes %s in the words of the command registry', async (_, command) => {
    const text = await help(['--help'], { COLUMNS: '100000' });
    expect(text).toMatch(new RegExp(`\\n  ${command.name}\\b.* {2,}${command.description.replace(/[()[\]$.*+?|]/g, '\\$&')}\\n`));
  });

  it('oneoffice --help, where the warning for an unknown -w variable sends the reader, lists every variable', async () => {
    const stderr = new Capture();
    await main(['createUser', '--email', 'a@b.io', '--dry-run', '-w', '%{nope}'], { stdout: new Capture(), stderr, stdin: new PassThrough(), env: { HOME: '/nonexistent', ONEOFFICE_URL: 'http://127.0.0.1:1/', ONEOFFICE_BEARER: 'token-0123456789abcdef' } });
    expect(stderr.text).toContain('see oneoffice --help for the variables');
    const text = await help(['--help'], { COLUMNS: '100000' });
    for (const name of WRITE_OUT_VARIABLES) expect(text, name).toContain(` %{${name}}`);
    expect(text).toContain(' %header{name}');
  });

  it('--max-time is said to bound each attempt, not the whole call', async () => {
    for (const argv of [['--help'], ['batch', '--help'], ['test', '--help']]) {
      const text = await help(argv, { COLUMNS: '100000' });
      expect(text).toMatch(/--max-time <seconds> +give up on each attempt after this long/);
      expect(text).not.toContain('whole call');
    }
  });
});

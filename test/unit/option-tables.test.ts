// The option tables (src/options/args.ts) are what parsing, help, completion and the man page are
// made from: here every option of every command is held to the rules a table entry must keep
// (a name, a kind, a described value), and each value's completion to what the shell gets on TAB.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { complete, DIRS, FILES } from '../../src/cli/complete.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { BATCH_OWN_OPTIONS, CALL_OPTIONS, DOCTOR_OWN_OPTIONS, GLOBAL_OPTIONS, MOCK_OPTIONS, REPORT_FORMATS, TEST_OWN_OPTIONS, type OptionSpec } from '../../src/options/args.js';
import { tempDir } from '../helpers/temp.js';

const TABLES: Record<string, readonly OptionSpec[]> = {
  GLOBAL_OPTIONS,
  CALL_OPTIONS,
  BATCH_OWN_OPTIONS,
  DOCTOR_OWN_OPTIONS,
  MOCK_OPTIONS,
  TEST_OWN_OPTIONS,
  ...Object.fromEntries(COMMANDS.flatMap((command) => [[command.name, command.options], ...(command.subcommands ?? []).map((sub) => [`${command.name} ${sub.name}`, sub.options ?? []])])),
};
const ENTRIES = Object.entries(TABLES).flatMap(([table, specs]) => specs.map((spec) => [`${table} ${spec.long}`, spec] as const));
const COMPLETION_KINDS = ['files', 'dirs', 'at-files', 'profiles', 'methods', 'commands', 'env-names', 'input', 'config-keys', 'config-value', 'words', 'prefixes'];

describe('every option of every table', () => {
  it.each(ENTRIES)('%s has a long name, a kind, a description, and a value name if it takes a value', (_, spec) => {
    expect(spec.long).toMatch(/^--[a-z][a-z0-9-]*$/);
    if (spec.short !== undefined) expect(spec.short).toMatch(/^-[A-Za-z]$/);
    expect(['none', 'count', 'value', 'list', 'optional']).toContain(spec.takes);
    expect(spec.description.trim()).not.toBe('');
    if (spec.takes === 'none' || spec.takes === 'count') expect(spec.valueName).toBeUndefined();
    else expect(spec.valueName?.trim() || 'no value name').not.toBe('no value name');
    if (spec.complete) {
      expect(COMPLETION_KINDS).toContain(spec.complete.kind);
      if (spec.complete.kind === 'words') expect(spec.complete.words.length).toBeGreaterThan(0);
      if (spec.complete.kind === 'prefixes') expect(spec.complete.prefixes.length).toBeGreaterThan(0);
    }
  });

  it.each(Object.entries(TABLES))('%s names each option and each short form once', (_, specs) => {
    const longs = specs.map((spec) => spec.long);
    const shorts = specs.flatMap((spec) => spec.short ?? []);
    expect(new Set(longs).size).toBe(longs.length);
    expect(new Set(shorts).size).toBe(shorts.length);
  });

  it('each table of args.ts has options', () => {
    for (const specs of [GLOBAL_OPTIONS, CALL_OPTIONS, BATCH_OWN_OPTIONS, DOCTOR_OWN_OPTIONS, MOCK_OPTIONS, TEST_OWN_OPTIONS]) expect(specs.length).toBeGreaterThan(0);
  });

  it('a call takes the global options, and --help last', () => {
    expect(GLOBAL_OPTIONS.map((spec) => spec.long)).toEqual(['--profile', '--config', '--schemas', '--no-color', '--debug']);
    expect(CALL_OPTIONS.map((spec) => spec.long)).toEqual(expect.arrayContaining(GLOBAL_OPTIONS.map((spec) => spec.long)));
    expect(CALL_OPTIONS.at(-1)).toMatchObject({ long: '--help', short: '-h', takes: 'none' });
  });

  it('mock reaches --upstream with the connection flags of single calls, and no other call flag', () => {
    const callFlags = new Set(CALL_OPTIONS.map((spec) => spec.long));
    const mockFlags = new Set(MOCK_OPTIONS.map((spec) => spec.long));
    const shared = MOCK_OPTIONS.map((spec) => spec.long).filter((long) => callFlags.has(long) && long !== '--schemas');
    expect(shared).toEqual(['--allow-insecure-http', '--connect-timeout', '--max-time', '--proxy', '--cacert', '--insecure', '--cert', '--key', '--pass-env']);
    expect(MOCK_OPTIONS.find((spec) => spec.long === '--insecure')).toBe(CALL_OPTIONS.find((spec) => spec.long === '--insecure'));
    expect(mockFlags.has('--url') || mockFlags.has('--bearer') || mockFlags.has('--retry')).toBe(false);
  });

  it('oneoffice test writes reports as junit, tap, json or html', () => {
    expect(REPORT_FORMATS).toEqual(['junit', 'tap', 'json', 'html']);
  });
});

describe('what TAB offers for an option value', () => {
  const home = tempDir('tables');
  const config = join(home, 'config.json');
  writeFileSync(config, JSON.stringify({ profiles: { staging: { url: 'https://staging.example/api' } } }));
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), ONEOFFICE_CONFIG: config, ONEOFFICE_PASS: 'x' };
  const offered = (words: string[]) => {
    const completion = complete(words, env);
    return { values: completion.candidates.map((candidate) => candidate.value), directive: completion.directive };
  };

  it.each([
    [['createUser', '--config'], FILES],
    [['createUser', '--cacert'], FILES],
    [['createUser', '--cert'], FILES],
    [['createUser', '--key'], FILES],
    [['createUser', '--schemas'], DIRS],
    [['batch', '--results'], FILES],
    [['test', '--vars-file'], FILES],
    [['mock', '--state'], FILES],
    [['mock', '--ready-file'], FILES],
    [['mock', '--record'], FILES],
    [['mock', '--replay'], FILES],
    [['mock', '--schemas'], DIRS],
    [['mock', '--cacert'], FILES],
  ])('after %j the shell completes names of its own (directive %i)', (words, directive) => {
    expect(offered([...words, ''])).toEqual({ values: [], directive });
  });

  it('offers the shells after --curl=, and the print formats after mock --print', () => {
    expect(offered(['createUser', '--curl=']).values).toEqual(['--curl=sh', '--curl=powershell', '--curl=cmd']);
    expect(offered(['mock', '--print', '']).values).toEqual(['sh', 'powershell', 'cmd', 'json']);
  });

  it('offers profiles after --profile, methods after batch --method, environment names after --pass-env', () => {
    expect(offered(['createUser', '--profile', '']).values).toEqual(expect.arrayContaining(['staging']));
    expect(offered(['batch', '--method', 'createU']).values).toEqual(['createUser']);
    expect(offered(['createUser', '--pass-env', 'ONEOFFICE_P']).values).toEqual(['ONEOFFICE_PASS']);
    expect(offered(['mock', '--pass-env', 'ONEOFFICE_P']).values).toEqual(['ONEOFFICE_PASS']);
  });

  it('offers @files after --params @ and -w @, and nothing before the @', () => {
    writeFileSync(join(home, 'body.json'), '{}');
    for (const flag of ['--params', '-w', '--write-out']) {
      expect(complete(['createUser', flag, '@'], env, home)).toMatchObject({ candidates: expect.arrayContaining([expect.objectContaining({ value: '@body.json' })]) });
      expect(offered(['createUser', flag, ''])).toEqual({ values: [], directive: 0 });
    }
  });

  it('offers nothing after an option whose value is free text', () => {
    expect(offered(['createUser', '--url', ''])).toEqual({ values: [], directive: 0 });
    expect(offered(['batch', '--concurrency', ''])).toEqual({ values: [], directive: 0 });
  });
});

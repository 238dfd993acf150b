// One option grammar for every command (issue 14): the same table of placements (before the
// command word, after it, as --name=value) runs through every command, and a misspelled option is
// called an option, with a suggestion from the options of that command. In this process through
// main(), against a recording server on 127.0.0.1; `oneoffice mock`'s placements, which start a
// server that runs until stopped, are in test/e2e/option-grammar.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { startRecordingServer, type RecordingServer } from '../helpers/server.js';

let server: RecordingServer;
let env: Record<string, string>;
// Its files are named by absolute paths: main() in this process has the test runner's working directory.
const homeEnv = isolatedEnv();
const home = homeEnv['HOME'] as string;
beforeAll(async () => {
  server = await startRecordingServer();
  env = { ...homeEnv, ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: 'grammar-token-0123456789' };
  writeFileSync(join(home, 'in.ndjson'), '{"method":"createUser","params":{"email":"a@b.co"}}\n');
  mkdirSync(join(home, 'schemas'));
  writeFileSync(join(home, 'schemas', 'listOrders.json'), '{"description":"List orders.","type":"object","properties":{}}');
  const config = join(home, '.config', 'oneoffice');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'config.json'), JSON.stringify({ profiles: { staging: { url: 'https://staging.example/api' } } }));
});
afterAll(() => server.close());

/** Each command with one of its options (name, value), what it runs with, and how to tell the option took effect. */
interface CommandCase {
  name: string;
  word: string[];
  rest: string[];
  option: [string, string];
  typo: string;
  suggestion: string;
  check: (result: { code: number | null; stdout: string; stderr: string }) => void;
}

const CASES: CommandCase[] = [
  {
    name: 'a method command',
    word: ['createUser'],
    rest: ['--email', 'a@b.co', '--dry-run'],
    option: ['--url', 'https://option.example/api'],
    typo: '--ulr',
    suggestion: '--url',
    check: (result) => expect([result.code, result.stdout.split('\n')[1]]).toEqual([0, 'host: option.example']),
  },
  {
    name: 'call',
    word: ['call', 'createUser'],
    rest: ['--params', '{"email":"a@b.co"}', '--dry-run'],
    option: ['--url', 'https://option.example/api'],
    typo: '--ulr',
    suggestion: '--url',
    check: (result) => expect([result.code, result.stdout.split('\n')[1]]).toEqual([0, 'host: option.example']),
  },
  {
    name: 'batch',
    word: ['batch'],
    rest: [join(home, 'in.ndjson'), '--dry-run'],
    option: ['--concurrency', '3'],
    typo: '--concurency',
    suggestion: '--concurrency',
    check: (result) => expect([result.code, result.stderr]).toEqual([0, expect.stringMatching(/^batch: dry run: 1 call checked and built in [\d.]+ s, nothing sent\n$/)]),
  },
  {
    name: 'methods',
    word: ['methods'],
    rest: [],
    option: ['--schemas', join(home, 'schemas')],
    typo: '--schemes',
    suggestion: '--schemas',
    check: (result) => expect([result.code, result.stdout.includes('listOrders')]).toEqual([0, true]),
  },
  {
    name: 'config',
    word: ['config', 'get', 'url'],
    rest: [],
    option: ['--profile', 'staging'],
    typo: '--profle',
    suggestion: '--profile',
    check: (result) => expect(result).toEqual({ code: 0, stdout: 'https://staging.example/api\n', stderr: '' }),
  },
];

const PLACEMENTS: Array<[string, (c: CommandCase) => string[]]> = [
  ['before the command word', (c) => [...c.option, ...c.word, ...c.rest]],
  ['after the command word', (c) => [...c.word, ...c.rest, ...c.option]],
  ['as --name=value', (c) => [...c.word, `${c.option[0]}=${c.option[1]}`, ...c.rest]],
];

describe.each(CASES)('$name', (command) => {
  it.each(PLACEMENTS)('takes its option %s', async (_placement, argv) => {
    command.check(await runMain(argv(command), env));
  });

  it('calls a misspelled option an option and suggests the right one', async () => {
    const result = await runMain([...command.word, ...command.rest, command.typo, command.option[1]], env);
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toContain(`oneoffice: unknown option ${command.typo} (did you mean ${command.suggestion}?)\n`);
    expect(server.received).toHaveLength(0);
  });
});

describe('mock', () => {
  it('calls a misspelled option an option and suggests the right one', async () => {
    expect(await runMain(['mock', '--prot', '0'], env)).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: mock: unknown option --prot (did you mean --port?)\n' });
  });
});

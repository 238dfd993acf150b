// One option grammar for every command (issue 14): the same table of placements (before the
// command word, after it, as --name=value) runs through every command, and a misspelled option is
// called an option, with a suggestion from the options of that command.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, ROOT, runCli } from '../helpers/cli.js';
import { startRecordingServer, type RecordingServer } from '../helpers/server.js';

let server: RecordingServer;
let env: Record<string, string>;
let home: string;
beforeAll(async () => {
  server = await startRecordingServer();
  env = isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: 'grammar-token-0123456789' });
  home = env['HOME'] as string;
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
    rest: ['in.ndjson', '--dry-run'],
    option: ['--concurrency', '3'],
    typo: '--concurency',
    suggestion: '--concurrency',
    check: (result) => expect([result.code, result.stderr]).toEqual([0, expect.stringMatching(/^batch: dry run: 1 call checked and built in [\d.]+ s, nothing sent\n$/)]),
  },
  {
    name: 'methods',
    word: ['methods'],
    rest: [],
    option: ['--schemas', 'schemas'],
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
    command.check(await runCli(argv(command), { env, cwd: home }));
  });

  it('calls a misspelled option an option and suggests the right one', async () => {
    const result = await runCli([...command.word, ...command.rest, command.typo, command.option[1]], { env, cwd: home });
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toContain(`oneoffice: unknown option ${command.typo} (did you mean ${command.suggestion}?)\n`);
    expect(server.received).toHaveLength(0);
  });
});

describe('mock', () => {
  it.each(PLACEMENTS.map(([name]) => [name]))('takes --port %s', async (placement) => {
    const args = placement === 'before the command word' ? ['--port', '0', 'mock'] : placement === 'after the command word' ? ['mock', '--port', '0'] : ['mock', '--port=0'];
    expect(await firstLine(args)).toMatch(/^export ONEOFFICE_URL=http:\/\/127\.0\.0\.1:\d+\/ ONEOFFICE_BEARER=\S+$/);
  });

  it('calls a misspelled option an option and suggests the right one', async () => {
    expect(await runCli(['mock', '--prot', '0'], { env })).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: mock: unknown option --prot (did you mean --port?)\n' });
  });
});

/** Starts `oneoffice <args>`, returns its first line on stdout, and stops it. */
function firstLine(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: isolatedEnv(), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no first line from oneoffice ${args.join(' ')}: ${err}`));
    }, 10_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      child.kill('SIGTERM');
      resolve(out.slice(0, out.indexOf('\n')));
    });
  });
}

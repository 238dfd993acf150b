// `oneoffice batch`'s help, usage errors and the check of every input line, run in this process
// through main(argv, deps): what it prints, its exit code, and that nothing reaches the server (a
// mock on 127.0.0.1, in this process too). Sending, signals and files written by a running batch
// are in test/e2e/batch*.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { inputLine } from '../helpers/batch.js';
import { tempFile } from '../helpers/temp.js';

const TOKEN = 'batch-test-token-0123456789abcdef';

let mock: MockServer;
const calls: string[] = [];

beforeAll(async () => {
  mock = await startMockServer({ token: TOKEN, log: (entry) => calls.push(entry) });
});
afterAll(() => mock.close());

function batch(args: string[], env = isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN })) {
  return runMain(['batch', ...args], env);
}

const file = (name: string, text: string): string => tempFile('batch-usage', name, text);

const line = inputLine;

describe('help and usage', () => {
  it('--help prints usage, input formats, results and exit codes on stdout', async () => {
    const result = await batch(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const part of ['Usage: oneoffice batch <file | ->', 'NDJSON', 'CSV', '--results <file>', '--resume', '--retry-uncertain', '--stop-on-error', '--rate <calls/s>', 'Exit codes:', '130']) {
      expect(result.stdout).toContain(part);
    }
    expect(result.stdout).not.toContain('--show-secrets  ');
  });

  it.each([
    [[], 'oneoffice: batch: missing <file> (or - to read stdin)\n'],
    [['in.ndjson', '--resume'], 'oneoffice: --resume needs --results <file>: the file the batch recorded its results in\n'],
    [['in.ndjson', '--concurrency', '0'], 'oneoffice: --concurrency: must be a whole number from 1 to 1000 (got "0")\n'],
    [['in.ndjson', '--rate', 'fast'], 'oneoffice: --rate: must be a number of calls per second, at least 0.001 (one call every 1000 s) (got "fast")\n'],
    [['in.ndjson', '--verbose'], 'oneoffice: unknown option --verbose (see oneoffice batch --help)\n'],
    [['in.ndjson', '--stop-on-error', '--continue-on-error'], 'oneoffice: --stop-on-error and --continue-on-error contradict each other\n'],
    [['users.csv'], 'oneoffice: users.csv: CSV input needs --method <name>, the method every row calls\n'],
    [['in.csv', '--method', 'createUsr'], 'oneoffice: --method: unknown method "createUsr" (did you mean "createUser"?)\n'],
    [['/nonexistent/in.ndjson'], 'oneoffice: batch: cannot read /nonexistent/in.ndjson: ENOENT\n'],
    [['in.ndjson', '--method', 'createUser'], 'oneoffice: --method is for CSV input; in in.ndjson (NDJSON) each line names its method\n'],
    [['in.ndjson', '--results', '/nonexistent/out.ndjson'], 'oneoffice: --results: cannot write /nonexistent/out.ndjson: ENOENT\n'],
  ])('batch %j: exit 2', async (args, stderr) => {
    expect(await batch(args)).toEqual({ code: 2, stdout: '', stderr });
  });

  it('needs a URL and token like single calls (exit 3), before reading the input', async () => {
    const result = await batch(['/nonexistent/in.ndjson'], isolatedEnv());
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^oneoffice: no API URL: /);
  });

  it('a bad -H line is named by its flag and which one it is, never quoted: exit 2 and nothing sent', async () => {
    const input = file('headers.ndjson', `${line('getUserByEmail', { email: 'h1@example.com' })}\n${line('getUserByEmail', { email: 'h2@example.com' })}\n`);
    const before = calls.length;
    for (const [header, message] of [
      ['X-Secret-no-colon', '--header (the 2nd): has no colon; write it as "Name: value" (not repeated here: it may hold a secret)'],
      ['X-B: a\nb', '--header (the 2nd): the value must not contain line breaks'],
      ['host: elsewhere', '--header (the 2nd): host is set by oneoffice and cannot be changed'],
    ] as const) {
      expect(await batch([input, '-H', 'X-Good: yes', '-H', header])).toEqual({ code: 2, stdout: '', stderr: `oneoffice: ${message}\n` });
    }
    expect(calls.length).toBe(before);
  });
});

describe('invalid input', () => {
  it('reports every invalid line with the messages of single calls, exit 2, and sends nothing', async () => {
    const before = calls.length;
    const input = file('invalid.ndjson', [
      line('createUser', { email: 'ok1@example.com' }),
      line('createUser', { email: 'x' }),
      'not json',
      line('createUsr', { email: 'ok2@example.com' }),
      line('createUser', { email: 'ok3@example.com', pasword: 'hunter22' }),
      '# a comment',
      line('createFirstOrder', { customer: 'A', id: 'O', product: 'oo-lite', licenses: '20', duration: 'weekly' }),
      line('resetPasswordByEmail', { email: 'ok4@example.com', password: 12345678 }),
      '{"method":"createUser","param":{"email":"ok5@example.com"}}',
      line('createUser', { email: 'ok6@example.com' }),
    ].join('\n'));
    const result = await batch([input]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'oneoffice: line 2: "email": must be an e-mail address (got "x")',
        'oneoffice: line 3: not valid JSON: Unexpected character at column 2',
        'oneoffice: line 4: unknown method "createUsr" (did you mean "createUser"?)',
        'oneoffice: line 5: unknown parameter "pasword" (did you mean "password"?)',
        'oneoffice: line 7: "licenses": must be an integer (got "20")',
        'oneoffice: line 7: "duration": must be one of monthly, yearly (got "weekly")',
        'oneoffice: line 8: "password": must be a string (got "****")',
        'oneoffice: line 9: unknown key "param" (a line holds "method" and "params")',
        'oneoffice: 7 of 9 lines invalid; nothing was sent',
        '',
      ].join('\n'),
    });
    expect(calls).toHaveLength(before);
  });

  it('reports CSV problems: unknown columns, field counts, wrong types, quoting', async () => {
    const before = calls.length;
    const input = file('invalid.csv', 'email,instanse,display-name\na@example.com,1,A\nb@example.com,2\n,3,C\nd@example.com,4,"D"x\n');
    const result = await batch([input, '--method', 'createUser']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe([
      'oneoffice: line 1: unknown column "instanse" (did you mean "instance"?)',
      'oneoffice: line 3: 2 fields, but the header has 3',
      'oneoffice: line 4: missing required "email"',
      'oneoffice: line 5: a closing quote must end its field (text follows it before the next comma)',
      'oneoffice: 4 of 5 lines invalid; nothing was sent',
      '',
    ].join('\n'));
    expect(calls).toHaveLength(before);
  });

  it('--dry-run checks and builds every call and sends nothing', async () => {
    const before = calls.length;
    const input = file('dry.ndjson', `${['dry1', 'dry2', 'dry3', 'dry4'].map((name) => line('createUser', { email: `${name}@example.com` })).join('\n')}\n`);
    const result = await batch([input, '--dry-run']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: expect.stringMatching(/^batch: dry run: 4 calls checked and built in \d+\.\d s, nothing sent\n$/) });
    expect(calls).toHaveLength(before);
  });
});

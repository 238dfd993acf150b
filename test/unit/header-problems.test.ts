// -H lines are checked as a whole: every bad one is reported, named by its place, in one go with
// the other problems of the command line (a single call, --dry-run, --curl, batch, oneoffice test),
// exit 2, never quoting a line (it may hold a secret), and nothing reaches the server. Run in this
// process through main(); the exit code through the real binary is in test/e2e/call.test.ts.
import { describe, expect, it } from 'vitest';
import { buildCall } from '../../src/api/request.js';
import { createClient } from '../../src/client/client.js';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useRecordingServer } from '../helpers/server.js';
import { useScenarioBench } from '../helpers/scenario.js';
import { tempFile } from '../helpers/temp.js';

const TOKEN = 'header-test-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ URL: s.url, BEARER: TOKEN }));
const bench = useScenarioBench();

/** Five -H lines: one good, four bad in four ways; the bad ones hold what would be secrets. */
const HEADERS = ['-H', 'X-Secret sekrit-0001', '-H', 'X-Good: yes', '-H', 'X-Lines: sekrit-0003\nmore', '-H', 'Host: sekrit-0004.example', '-H', 'X-Wide: sekrit-0005 日本'];
const HEADER_PROBLEMS = [
  '--header (the 1st): has no colon; write it as "Name: value" (not repeated here: it may hold a secret)',
  '--header (the 3rd): the value must not contain line breaks',
  '--header (the 4th): Host is set by oneoffice and cannot be changed',
  '--header (the 5th): the value may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character)',
];
const lines = (problems: string[]) => problems.map((problem) => `oneoffice: ${problem}\n`).join('');

describe('a single call', () => {
  it.each([[[]], [['--dry-run']], [['--curl']]])('with %j reports every bad -H line with the bad --email in one go, exit 2, and sends nothing', async (mode) => {
    const result = await runMain(['createUser', '--email', 'not-an-email', ...HEADERS, ...mode], rec.env);
    expect(result).toEqual({ code: 2, stdout: '', stderr: lines([...HEADER_PROBLEMS, '--email: must be an e-mail address (got "not-an-email")']) });
    expect(result.stderr).not.toContain('sekrit');
    expect(rec.server.received).toHaveLength(0);
  });

  it('names a lone bad -H line by the flag alone, as there is only one', async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '-H', 'X-Lines: a\nb'], rec.env);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --header: the value must not contain line breaks\n' });
    expect(rec.server.received).toHaveLength(0);
  });

  it('reports a line with a reserved name and a bad value twice, once for each', async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '-H', 'X-Good: 1', '-H', 'Content-Length: 日本'], rec.env);
    expect(result.stderr).toBe(lines(['--header (the 2nd): Content-Length is set by oneoffice and cannot be changed', '--header (the 2nd): the value may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character)']));
    expect(result.code).toBe(2);
  });
});

describe('batch', () => {
  it('reports every bad -H line with its other bad flags before reading the input, and sends nothing', async () => {
    const input = tempFile('header-problems', 'calls.ndjson', '{"method":"getUserByEmail","params":{"email":"a@b.co"}}\n');
    const result = await runMain(['batch', input, ...HEADERS, '--retry-failed'], rec.env);
    expect(result).toEqual({ code: 2, stdout: '', stderr: lines([...HEADER_PROBLEMS, '--retry-failed goes with --resume']) });
    expect(result.stderr).not.toContain('sekrit');
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('oneoffice test', () => {
  it('reports every bad -H line with the problems of the scenario files, and sends nothing', async () => {
    const path = bench.file('headers.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: not-an-email }\n');
    const result = await bench.test([path, ...HEADERS]);
    expect(result.stderr).toBe(lines([...HEADER_PROBLEMS, `${path}:3: step 1 (getUserByEmail): params.email: must be an e-mail address (got "not-an-email")`, '5 problems; nothing was sent']));
    expect(result.code).toBe(2);
    expect(bench.loggedCalls()).toEqual([]);
  });
});

describe('the library', () => {
  it("buildCall refuses all bad -H lines at once, as one error with each problem and -H's own code", () => {
    const attempt = () => buildCall({ url: new URL('https://a'), token: 't', apiMethod: 'm', params: {}, extraHeaders: ['X-Secret sekrit', 'Host: b'] });
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_BAD_HEADER', exitCode: 2, problems: ['--header (the 1st): has no colon; write it as "Name: value" (not repeated here: it may hold a secret)', '--header (the 2nd): Host is set by oneoffice and cannot be changed'] }));
  });

  it('createClient refuses bad headers lines as it is made, named as its option, before any call', () => {
    const attempt = () => createClient({ url: rec.server.url, token: TOKEN, env: {}, headers: ['X-Secret sekrit-0001', 'X-Good: yes', 'Host: sekrit-0004.example'] });
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_BAD_HEADER', exitCode: 2, problems: ['headers (the 1st): has no colon; write it as "Name: value" (not repeated here: it may hold a secret)', 'headers (the 3rd): Host is set by oneoffice and cannot be changed'] }));
  });

  it('createClient reports bad headers lines with its other options that cannot work, as one error', () => {
    const attempt = () => createClient({ url: rec.server.url, token: TOKEN, env: {}, maxTimeMs: -5, headers: ['X-Secret sekrit-0001'] });
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_VALIDATION', exitCode: 2, problems: ['maxTimeMs: must be a number of milliseconds above 0 to 86400000 (one day) (got -5)', 'headers: has no colon; write it as "Name: value" (not repeated here: it may hold a secret)'] }));
  });

  it('createClient refuses headers that are not an array of strings with its own error, not a TypeError', () => {
    const notArray = () => createClient({ url: rec.server.url, token: TOKEN, env: {}, headers: 'X-A: sekrit-0006' as unknown as string[] });
    expect(notArray).toThrow(expect.objectContaining({ code: 'E_BAD_HEADER', problems: ['headers: must be an array of "Name: value" strings'] }));
    const notText = () => createClient({ url: rec.server.url, token: TOKEN, env: {}, headers: ['X-A: b', 7] as unknown as string[] });
    expect(notText).toThrow(expect.objectContaining({ code: 'E_BAD_HEADER', problems: ['headers: must be an array of "Name: value" strings (item 1 is not a string)'] }));
  });
});

describe('good -H lines', () => {
  /** Headers as the server got them, but those each transport writes its own way (host, connection, content-length). */
  const sent = () => rec.server.received.splice(0).map(({ rawHeaders }) =>
    rawHeaders.filter(([name]) => !['host', 'connection', 'content-length'].includes(name.toLowerCase())).map(([name, value]) => `${name.toLowerCase()}: ${value}`).sort());

  it('send the same headers from a single call, a batch, a scenario and the library client: one reading of the lines for all', async () => {
    const given = ['X-Trace: 1', 'accept: text/plain', 'User-Agent:', 'X-Spaced:   a b  '];
    const flags = given.flatMap((line) => ['-H', line]);
    const input = tempFile('header-lines', 'calls.ndjson', '{"method":"getUserByEmail","params":{"email":"a@b.co"}}\n');
    const scenario = tempFile('header-lines', 'smoke.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: a@b.co }\n    expect: { schema: false }\n');
    expect((await runMain(['getUserByEmail', '--email', 'a@b.co', ...flags], rec.env)).code).toBe(0);
    expect((await runMain(['batch', input, ...flags], rec.env)).code).toBe(0);
    expect((await runMain(['test', scenario, ...flags], rec.env)).code).toBe(0);
    const client = createClient({ url: rec.server.url, token: TOKEN, env: {}, headers: given });
    await client.call('getUserByEmail', { email: 'a@b.co' });
    await client.close();
    const expected = ['accept: text/plain', 'content-type: application/json', 'x-api-key: ' + TOKEN, 'x-spaced: a b', 'x-trace: 1'];
    expect(sent()).toEqual([expected, expected, expected, expected]);
  });
});

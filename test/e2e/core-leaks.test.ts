// The two leaks that came from copies of the core (issue 11), in every mode that prints: a secret
// parameter of the wrong type quoted by a validation message, and JSON that does not parse quoted by
// V8's message. Each case asserts that the mode ran (its exit code and its exact line), and that the
// secret is nowhere in its output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { killMockProcesses, rawCall, startMockProcess, type MockProcess } from '../helpers/mock-process.js';
import { startRecordingServer, type RecordingServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const NUMERIC_PASSWORD = '987654321';
const BARE_PASSWORD = 'hunter2secret';
const TOKEN_TYPO = 'SUPERSECRETTOKEN123456';

let server: RecordingServer;
let mock: MockProcess;
beforeAll(async () => {
  server = await startRecordingServer();
  mock = await startMockProcess(['--port', '0', '--token', 'leak-test-token-0123456789']);
});
afterAll(async () => {
  await server.close();
  await killMockProcesses();
});

function callEnv(): Record<string, string> {
  return isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: 'token-of-the-leak-tests-0001' });
}

describe('a secret parameter of the wrong type is masked in its validation message', () => {
  it('in a single call (--params)', async () => {
    const result = await runCli(['createUser', '--params', `{"email":"a@b.co","password":${NUMERIC_PASSWORD}}`], { env: callEnv() });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: "password": must be a string (got "****")\n' });
    expect(server.received).toHaveLength(0);
  });

  it('in a single call on `call`', async () => {
    const result = await runCli(['call', 'createUser', '--params', `{"email":"a@b.co","password":${NUMERIC_PASSWORD}}`], { env: callEnv() });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: "password": must be a string (got "****")\n' });
  });

  it('in a batch line', async () => {
    const line = `{"method":"createUser","params":{"email":"a@b.co","password":${NUMERIC_PASSWORD}}}\n`;
    const result = await runCli(['batch', '-'], { env: callEnv(), input: line });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: line 1: "password": must be a string (got "****")\noneoffice: 1 of 1 line invalid; nothing was sent\n' });
  });

  it("in the mock's answer and its log line", async () => {
    const answer = await rawCall(mock.url, { headers: { 'x-api-key': mock.token, 'content-type': 'application/json' }, body: `{"method":"createUser","params":{"email":"a@b.co","password":${NUMERIC_PASSWORD}}}` });
    expect([answer.status, JSON.parse(answer.body)]).toEqual([400, '"password": must be a string (got "****")']);
    await waitFor(() => mock.stderr().includes('createUser 400'), "the mock's log line of the 400");
    expect(mock.stderr()).toMatch(/^createUser 400 [\d.]+ms: "password": must be a string \(got "\*\*\*\*"\)$/m);
    expect(mock.stderr()).not.toContain(NUMERIC_PASSWORD);
  });
});

describe('JSON that does not parse is placed, never quoted', () => {
  const params = `{"email":"a@b.co","password": ${BARE_PASSWORD}}`;

  it('in a single call (--params)', async () => {
    const result = await runCli(['createUser', '--params', params], { env: callEnv() });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --params: not valid JSON: Unexpected character at line 1 column 31\n' });
  });

  it('in a batch line', async () => {
    const result = await runCli(['batch', '-'], { env: callEnv(), input: `{"method":"createUser","params":${params}}\n` });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: line 1: not valid JSON: Unexpected character at column 63\noneoffice: 1 of 1 line invalid; nothing was sent\n' });
  });

  it("in the mock's answer and its log line", async () => {
    const answer = await rawCall(mock.url, { headers: { 'x-api-key': mock.token, 'content-type': 'application/json' }, body: `{"method":"createUser","params":${params}}` });
    expect([answer.status, JSON.parse(answer.body)]).toEqual([400, 'body is not valid JSON (at position 62)']);
    await waitFor(() => mock.stderr().includes('body is not valid JSON'), "the mock's log line of the broken body");
    expect(mock.stderr()).toMatch(/^- 400 [\d.]+ms: body is not valid JSON \(at position 62\)$/m);
    expect(mock.stderr()).not.toContain('hunter2');
  });

  it('in a config file with a token missing its quotes', async () => {
    const env = isolatedEnv();
    const dir = join(env['HOME'] as string, '.config', 'oneoffice');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), `{"profiles":{"default":{"url":"https://api.example/","bearer":${TOKEN_TYPO}}}}`);
    const result = await runCli(['createUser', '--email', 'a@b.co'], { env });
    expect(result).toEqual({ code: 3, stdout: '', stderr: `oneoffice: config file ${join(dir, 'config.json')} is not valid JSON: Unexpected character at line 1 column 63\n` });
    const listed = await runCli(['config', 'list'], { env });
    expect([listed.code, listed.stderr.includes('is not valid JSON: Unexpected character at line 1 column 63')]).toEqual([3, true]);
    expect(listed.stdout + listed.stderr).not.toContain('SUPERSEC');
  });

  it('in a user schema file', async () => {
    const env = isolatedEnv();
    const dir = join(env['HOME'] as string, 'schemas');
    mkdirSync(dir);
    writeFileSync(join(dir, 'listOrders.json'), `{"type":"object","examples":[{"password": ${BARE_PASSWORD}}]}`);
    const result = await runCli(['--schemas', dir, 'methods'], { env });
    expect(result).toEqual({ code: 3, stdout: '', stderr: `oneoffice: schema ${join(dir, 'listOrders.json')}: not valid JSON: Unexpected character at line 1 column 43\n` });
  });
});

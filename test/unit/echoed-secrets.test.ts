// What a server echoes back, and what a malformed flag would echo (issue 20, items 1 and 5): the
// value of an x-secret param (resetPasswordByEmail's password) quoted in an error answer is masked
// on stderr, in -v, in -w '%{errormsg}', in --debug's stack and in batch's results file; a header
// without a colon is refused without repeating it. main(argv, deps) in this process, its params on
// stdin, against a recording server on 127.0.0.1.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { records } from '../helpers/batch.js';
import { isolatedEnv } from '../helpers/cli.js';
import { Capture, type MainResult } from '../helpers/in-process.js';
import { tempDir } from '../helpers/temp.js';
import { useRecordingServer, type Responder } from '../helpers/server.js';

const TOKEN = 'harden-echoes-token-0123456789-beef';
const PASSWORD = 'Hunter2-echoed-pw';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

/** Answers 400 quoting the password it was sent, as a server that explains why it refused it. */
const tooWeak: Responder = (request, res) => {
  const { params } = JSON.parse(request.body) as { params: { password: string } };
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify(`password ${params.password} is too weak`));
};

/** main(argv) with `input` on its stdin (for --params -). */
async function run(argv: string[], options: { env: Record<string, string>; input?: string }): Promise<MainResult> {
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, stdin, env: options.env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const resetParams = (password: string) => JSON.stringify({ email: 'a@b.co', password });

describe('a secret param the server quotes back (item 1)', () => {
  it('is masked in the error line on stderr', async () => {
    rec.server.respond(tooWeak);
    const result = await run(['resetPasswordByEmail', '--params', '-'], { env: rec.env, input: resetParams(PASSWORD) });
    expect([result.code, result.stderr]).toEqual([4, 'oneoffice: server answered 400 Bad Request: password **** is too weak\n']);
    expect(JSON.parse(rec.server.received[0]?.body ?? '{}').params.password).toBe(PASSWORD);
  });

  it('is masked in the error answer printed on stdout, in each form, and not with --show-secrets; a 2xx body is left as sent', async () => {
    rec.server.respond(tooWeak);
    const plain = await run(['resetPasswordByEmail', '--params', '-'], { env: rec.env, input: resetParams(PASSWORD) });
    expect([plain.code, plain.stdout]).toEqual([4, '"password **** is too weak"']);
    const quoted = 'pw"with\\escapes';
    const escaped = await run(['resetPasswordByEmail', '--params', '-'], { env: rec.env, input: resetParams(quoted) });
    expect([escaped.code, escaped.stdout]).toEqual([4, '"password **** is too weak"']);
    const shown = await run(['resetPasswordByEmail', '--params', '-', '--show-secrets'], { env: rec.env, input: resetParams(PASSWORD) });
    expect(shown.stdout).toBe(`"password ${PASSWORD} is too weak"`);
    // An answer of 2xx is the data asked for: byte for byte, whatever it holds.
    rec.server.respond((request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: (JSON.parse(request.body) as { params: { password: string } }).params.password }));
    });
    const ok = await run(['resetPasswordByEmail', '--params', '-'], { env: rec.env, input: resetParams(PASSWORD) });
    expect([ok.code, ok.stdout]).toEqual([0, JSON.stringify({ echoed: PASSWORD })]);
  });

  it('is masked in -v, in -w %{errormsg} and in --debug', async () => {
    rec.server.respond(tooWeak);
    const verbose = await run(['resetPasswordByEmail', '--params', '-', '-v'], { env: rec.env, input: resetParams(PASSWORD) });
    expect(verbose.code).toBe(4);
    expect(verbose.stderr).toContain('oneoffice: server answered 400 Bad Request: password **** is too weak\n');
    expect(verbose.stderr).not.toContain(PASSWORD);

    const writeOut = await run(['resetPasswordByEmail', '--params', '-', '-w', '%{stderr}[%{exitcode}] %{errormsg}\n'], { env: rec.env, input: resetParams(PASSWORD) });
    expect([writeOut.code, writeOut.stderr]).toEqual([4, '[4] server answered 400 Bad Request: password **** is too weak\noneoffice: server answered 400 Bad Request: password **** is too weak\n']);

    const debug = await run(['resetPasswordByEmail', '--params', '-', '--debug'], { env: rec.env, input: resetParams(PASSWORD) });
    expect(debug.code).toBe(4);
    expect(debug.stderr).toContain('HttpError: server answered 400 Bad Request: password **** is too weak\n');
    expect(debug.stderr).not.toContain(PASSWORD);
  });

  it('is masked when it holds a quote and a backslash, which the server escapes in its JSON', async () => {
    const quoted = 'pw"with\\escapes';
    rec.server.respond(tooWeak);
    const verbose = await run(['resetPasswordByEmail', '--params', '-', '-v'], { env: rec.env, input: resetParams(quoted) });
    expect(verbose.code).toBe(4);
    expect(verbose.stderr).toContain('oneoffice: server answered 400 Bad Request: password **** is too weak\n');
    expect(verbose.stderr).not.toContain(quoted);
    expect(verbose.stderr).not.toContain(JSON.stringify(quoted).slice(1, -1));
  });

  it("is masked in batch's results file: the error and the body, each line with its own password", async () => {
    rec.server.respond(tooWeak);
    const dir = tempDir('echoes');
    const input = join(dir, 'in.ndjson');
    const results = join(dir, 'r.ndjson');
    const quoted = 'pw"with\\escapes';
    writeFileSync(input, [PASSWORD, quoted].map((password) => JSON.stringify({ method: 'resetPasswordByEmail', params: { email: 'a@b.co', password } })).join('\n') + '\n');
    const result = await run(['batch', input, '--results', results], { env: rec.env });
    expect(result.code).toBe(4);
    expect(result.stderr).not.toContain(PASSWORD);
    const written = readFileSync(results, 'utf8');
    expect(written).not.toContain(PASSWORD);
    expect(written).not.toContain('escapes');
    expect(records(written).map(({ line, status, ok, code, error, body }) => ({ line, status, ok, code, error, body }))).toEqual([1, 2].map((line) => ({
      line,
      status: 400,
      ok: false,
      code: 'E_HTTP_4XX',
      error: 'password **** is too weak',
      body: 'password **** is too weak',
    })));
    expect(rec.server.received).toHaveLength(2);
  });
});

describe('a header without a colon (item 5)', () => {
  it('is refused without repeating it, and nothing is sent', async () => {
    const secretHeader = 'X-Api-Key secret-in-a-header-1234';
    expect(await run(['getUserByEmail', '--email', 'a@b.co', '-H', secretHeader], { env: rec.env })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: --header: has no colon; write it as "Name: value" (not repeated here: it may hold a secret)\n',
    });
    const second = await run(['getUserByEmail', '--email', 'a@b.co', '-H', 'X-Trace: 1', '-H', 'X-Secret'], { env: rec.env });
    expect([second.code, second.stderr]).toEqual([2, 'oneoffice: --header (the 2nd): has no colon; write it as "Name: value" (not repeated here: it may hold a secret)\n']);
    const spaced = await run(['getUserByEmail', '--email', 'a@b.co', '-H', 'Bearer tok-0123456789: x'], { env: rec.env });
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).not.toContain('tok-0123456789');
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('a secret holding characters JSON escapes, quoted back however the server escapes it (one mask for both paths)', () => {
  // A quote, a backslash, a slash, a control character and non-ASCII.
  const secret = 'pw"\\/\u0001é€-x';
  /** As PHP's json_encode writes a string: `/` as `\/`, everything past ASCII as \uXXXX. */
  const phpString = (text: string) => JSON.stringify(text).replace(/\//g, '\\/').replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const echoing = (body: (written: string) => string, type: string): Responder => (request, res) => {
    const { params } = JSON.parse(request.body) as { params: { password: string } };
    res.writeHead(400, { 'content-type': type });
    res.end(body(phpString(params.password).slice(1, -1)));
  };
  const answers = [
    { what: 'a JSON answer', responder: echoing((written) => `{"error":"password ${written} is too weak"}`, 'application/json'), masked: '{"error":"password **** is too weak"}', recorded: { error: 'password **** is too weak' } },
    { what: 'an answer cut short (no JSON)', responder: echoing((written) => `{"error":"password ${written} is too`, 'application/json'), masked: '{"error":"password **** is too', recorded: '{"error":"password **** is too' },
    { what: 'a text answer quoting it escaped', responder: echoing((written) => `bad password: "${written}"`, 'text/plain'), masked: 'bad password: "****"', recorded: 'bad password: "****"' },
  ];

  for (const { what, responder, masked, recorded } of answers) {
    it(`is masked in ${what} printed on stdout`, async () => {
      rec.server.respond(responder);
      const result = await run(['resetPasswordByEmail', '--params', '-'], { env: rec.env, input: resetParams(secret) });
      expect([result.code, result.stdout]).toEqual([4, masked]);
    });

    it(`is masked in ${what} kept in batch's results file`, async () => {
      rec.server.respond(responder);
      const dir = tempDir('escaped-echoes');
      const input = join(dir, 'in.ndjson');
      const results = join(dir, 'r.ndjson');
      writeFileSync(input, `${JSON.stringify({ method: 'resetPasswordByEmail', params: { email: 'a@b.co', password: secret } })}\n`);
      expect((await run(['batch', input, '--results', results], { env: rec.env })).code).toBe(4);
      const [record] = records(readFileSync(results, 'utf8'));
      // A JSON body is kept parsed, any other as its text.
      expect(record?.['body']).toEqual(recorded);
    });
  }
});

describe("a token where the server's message is cut to 200 characters", () => {
  // An error object with no message field: its message is its first 200 characters, which end inside the token.
  const cutAnswer: Responder = (request, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 401, note: 'n'.repeat(150), key: request.headers['x-api-key'] }));
  };
  const message = `{"code":401,"note":"${'n'.repeat(150)}","key":"****"}`;

  it('is masked whole in the error line, not cut to a piece of it first', async () => {
    rec.server.respond(cutAnswer);
    const result = await run(['getUserByEmail', '--email', 'a@b.co'], { env: rec.env });
    expect([result.code, result.stderr]).toEqual([4, `oneoffice: server answered 401 Unauthorized: ${message}\n`]);
  });

  it("is masked whole in doctor's auth check, as text and as --json", async () => {
    rec.server.respond(cutAnswer);
    const text = await run(['doctor'], { env: rec.env });
    expect(text.stdout).toContain(`\nfail  auth       token refused: server answered 401 Unauthorized: ${message} -> `);
    const json = await run(['doctor', '--json'], { env: rec.env });
    expect((JSON.parse(json.stdout) as { checks: Array<{ name: string; detail: string }> }).checks.find((check) => check.name === 'auth')?.detail).toBe(`token refused: server answered 401 Unauthorized: ${message}`);
    expect(text.stdout + json.stdout).not.toContain(TOKEN.slice(0, 10));
  });

  it("is masked whole in doctor's answer check, where a value that breaks the response schema is quoted cut to 60 characters", async () => {
    rec.server.respond((request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `${'p'.repeat(45)}${String(request.headers['x-api-key'])}`, email: 'oneoffice-doctor@example.invalid' }));
    });
    const result = await run(['doctor', '--json'], { env: rec.env });
    const answer = (JSON.parse(result.stdout) as { checks: Array<{ name: string; detail: string }> }).checks.find((check) => check.name === 'answer');
    expect(answer?.detail).toContain(`body.id: must be an integer (got "${'p'.repeat(45)}****")`);
    expect(result.stdout).not.toContain(TOKEN.slice(0, 8));
  });

  it("is masked whole in the error of batch's results file", async () => {
    rec.server.respond(cutAnswer);
    const dir = tempDir('cut-echoes');
    const input = join(dir, 'in.ndjson');
    const results = join(dir, 'r.ndjson');
    writeFileSync(input, `${JSON.stringify({ method: 'getUserByEmail', params: { email: 'a@b.co' } })}\n`);
    expect((await run(['batch', input, '--results', results], { env: rec.env })).code).toBe(4);
    const written = readFileSync(results, 'utf8');
    expect(records(written)[0]?.['error']).toBe(message);
    expect(written).not.toContain(TOKEN.slice(0, 10));
  });
});

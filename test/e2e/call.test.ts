// The CLI as a process against a recording server: the request as the docs' curl command sends it,
// each exit code kind through the real binary, a stack trace with --debug, and stdin left open.
// What calls send and print otherwise runs in this process: test/unit/call-requests.test.ts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { jsonResponder, refusedPort, useRecordingServer } from '../helpers/server.js';

const TOKEN = 'test-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ URL: s.url, BEARER: TOKEN }));

describe('the seed example', () => {
  it('sends the documented request and prints the body as received', async () => {
    rec.server.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"email":"test1@oneoffice.bh","id":2}');
    });
    const result = await runCli(['createUser', '--email', 'test1@oneoffice.bh'], { env: rec.env });
    expect(result).toEqual({ code: 0, stdout: '{"email":"test1@oneoffice.bh","id":2}', stderr: '' });
    expect(rec.server.received).toHaveLength(1);
    const request = rec.server.received[0]!;
    expect(request.method).toBe('GET');
    expect(request.url).toBe('/api/external');
    expect(request.body).toBe('{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}');
    expect(request.rawHeaders).toEqual([
      ['host', `127.0.0.1:${rec.server.port}`],
      ['connection', 'keep-alive'],
      ['x-api-key', TOKEN],
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json'],
      ['User-Agent', 'oneoffice/0.1.0'],
      ['content-length', String(Buffer.byteLength(request.body))],
    ]);
  });

  it('reaches the server as the docs’ curl command does', async () => {
    const curl = promisify(execFile);
    await curl('curl', [
      '-sS', '-X', 'GET', rec.server.url,
      '--header', `x-api-key: ${TOKEN}`,
      '--header', 'Content-Type: application/json',
      '--data', '{"method":"createUser", "params":{"email":"test1@oneoffice.bh"}}',
    ]);
    await runCli(['createUser', '--email', 'test1@oneoffice.bh'], { env: rec.env });
    const [fromCurl, fromUs] = rec.server.received;
    expect(fromUs!.method).toBe(fromCurl!.method);
    expect(fromUs!.url).toBe(fromCurl!.url);
    for (const name of ['x-api-key', 'content-type']) expect(fromUs!.headers[name]).toBe(fromCurl!.headers[name]);
    expect(JSON.parse(fromUs!.body)).toEqual(JSON.parse(fromCurl!.body));
    expect(fromUs!.headers['transfer-encoding']).toBeUndefined();
  });
});

describe('invalid input through the binary', () => {
  it('--debug adds the stack trace', async () => {
    const result = await runCli(['createUser', '--email', 'a@b.co', '--url', 'ftp://x', '--debug'], { env: rec.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^oneoffice: flag --url: must be an http:\/\/ or https:\/\/ URL \(got "ftp:"\)\nUsageError: .*\n +at /);
  });

  it('exits 2 with every bad -H line and the bad --email in one report, no stack trace, nothing sent', async () => {
    const result = await runCli(['createUser', '--email', 'nope', '-H', 'X-Key sekrit-01', '-H', 'Connection: close'], { env: rec.env });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'oneoffice: --header (the 1st): has no colon; write it as "Name: value" (not repeated here: it may hold a secret)\n' +
        'oneoffice: --header (the 2nd): Connection is set by oneoffice and cannot be changed\n' +
        'oneoffice: --email: must be an e-mail address (got "nope")\n',
    });
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('stdin', () => {
  it('never waits on stdin when not asked to read it', async () => {
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co'], { env: rec.env, keepStdinOpen: true });
    expect(result.code).toBe(0);
  });
});

describe('exit codes for what the server answered', () => {
  it('4: the server’s message on stderr, the raw body on stdout', async () => {
    const body = '"duplicate key value violates unique constraint \\"users_email\\""';
    rec.server.respond((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(body);
    });
    const result = await runCli(['createUser', '--email', 'test1@oneoffice.bh'], { env: rec.env });
    expect(result).toEqual({
      code: 4,
      stdout: body,
      stderr: 'oneoffice: server answered 400 Bad Request: duplicate key value violates unique constraint "users_email"\n',
    });
  });

  it('5: a server error', async () => {
    rec.server.respond(jsonResponder(500, 'internal error'));
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '--retry', '0'], { env: rec.env });
    expect(result).toEqual({ code: 5, stdout: '"internal error"', stderr: 'oneoffice: server answered 500 Internal Server Error: internal error\n' });
  });

  it('5: an HTML error page from a proxy', async () => {
    rec.server.respond((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '--retry', '0'], { env: rec.env });
    expect(result).toEqual({ code: 5, stdout: '<html>Bad Gateway</html>', stderr: 'oneoffice: server answered 502 Bad Gateway: body is not JSON (text/html, 24 bytes)\n' });
  });

  it('1: a 200 answer that is not JSON', async () => {
    rec.server.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co'], { env: rec.env });
    expect(result).toEqual({ code: 1, stdout: '<html>login</html>', stderr: 'oneoffice: server answered 200 OK but the body is not JSON (text/html, 18 bytes)\n' });
  });

  it('6: connection refused', async () => {
    const port = await refusedPort();
    const result = await runCli(['createUser', '--email', 'a@b.co'], { env: { ...rec.env, URL: `http://127.0.0.1:${port}/` } });
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: cannot connect to 127.0.0.1:${port}: connection refused\n` });
  });

  it('7: no answer within --max-time', async () => {
    rec.server.respond(() => undefined);
    const result = await runCli(['createUser', '--email', 'a@b.co', '--max-time', '0.5'], { env: rec.env });
    expect(result).toEqual({ code: 7, stdout: '', stderr: `oneoffice: no complete answer from 127.0.0.1:${rec.server.port} within 0.5 s (--max-time)\n` });
  });
});

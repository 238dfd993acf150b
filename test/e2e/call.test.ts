// The CLI as a process against a recording server: what it sends, prints and exits with.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { jsonResponder, startRecordingServer, useRecordingServer } from '../helpers/server.js';

const TOKEN = 'test-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ URL: s.url, BEARER: TOKEN }));


function header(name: string, index = 0): string | undefined {
  return rec.server.received[index]?.rawHeaders.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

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

describe('every method with its documented example', () => {
  const cases: Array<[string, string[], unknown]> = [
    ['createCustomer', ['--id', 'ABC', '--name', 'ABC Company', '--admin.email', 'test3@example.com', '--admin.phone', '111111111', '--admin.display-name', 'Isa Aswath'],
      { id: 'ABC', name: 'ABC Company', admin: { email: 'test3@example.com', phone: '111111111', displayName: 'Isa Aswath' } }],
    ['createCustomer', ['--id', 'ABC', '--name', 'ABC Company', '--admin', '{"email":"test3@example.com","phone":"111111111","displayName":"Isa Aswath"}'],
      { id: 'ABC', name: 'ABC Company', admin: { email: 'test3@example.com', phone: '111111111', displayName: 'Isa Aswath' } }],
    ['createFirstOrder', ['--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly'],
      { customer: 'ABC', id: 'ORD1', product: 'oo-lite', licenses: 20, duration: 'monthly' }],
    ['createRenewalOrder', ['--parent', 'ORD1', '--id', 'ORD2'], { parent: 'ORD1', id: 'ORD2' }],
    ['createUser', ['--email', 'none2@test.oneoffice.ca', '--display-name', 'New User', '--instance', '1'],
      { email: 'none2@test.oneoffice.ca', displayName: 'New User', instance: 1 }],
    ['createUser', ['--email', 'test1@oneoffice.bh', '--password', 'onemoretime'], { email: 'test1@oneoffice.bh', password: 'onemoretime' }],
    ['updateUserByEmail', ['--email', 'test1@oneoffice.bh', '--is-active', 'false'], { email: 'test1@oneoffice.bh', isActive: false }],
    ['updateUserByEmail', ['--email', 'test1@oneoffice.bh', '--no-is-active'], { email: 'test1@oneoffice.bh', isActive: false }],
    ['updateUserByEmail', ['--is-active', '--email', 'test1@oneoffice.bh'], { email: 'test1@oneoffice.bh', isActive: true }],
    ['updateUserByEmail', ['--email=test1@oneoffice.bh', '--is-active=true'], { email: 'test1@oneoffice.bh', isActive: true }],
    ['resetPasswordByEmail', ['--email', 'test1@oneoffice.bh', '--password', 'onemoretime'], { email: 'test1@oneoffice.bh', password: 'onemoretime' }],
    ['getUserByEmail', ['--email', 'test1@oneoffice.bh'], { email: 'test1@oneoffice.bh' }],
  ];
  it.each(cases)('%s %j', async (method, args, params) => {
    const result = await runCli([method, ...args], { env: rec.env });
    // A password typed on the command line is visible to others (ps): said on stderr.
    const warning = args.includes('--password') ? 'oneoffice: warning: a secret given with --password is visible to other local users (ps); prefer --params @file or --params - (stdin)\n' : '';
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: warning });
    expect(JSON.parse(rec.server.received[0]!.body)).toEqual({ method, params });
  });

  it('`call` sends the same as the method command', async () => {
    const result = await runCli(['call', 'createFirstOrder', '--params', '{"customer":"ABC","id":"ORD1","product":"oo-lite","licenses":20,"duration":"monthly"}'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(JSON.parse(rec.server.received[0]!.body)).toEqual({ method: 'createFirstOrder', params: { customer: 'ABC', id: 'ORD1', product: 'oo-lite', licenses: 20, duration: 'monthly' } });
  });
});

describe('--params', () => {
  it('reads a file, and flags win over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oneoffice-params-'));
    writeFileSync(join(dir, 'order.json'), '{"customer":"ABC","id":"ORD1","product":"oo-std","licenses":5,"duration":"yearly"}');
    const result = await runCli(['createFirstOrder', '--params', `@${join(dir, 'order.json')}`, '--licenses', '20'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(JSON.parse(rec.server.received[0]!.body).params).toEqual({ customer: 'ABC', id: 'ORD1', product: 'oo-std', licenses: 20, duration: 'yearly' });
  });

  it('reads stdin for - and @-', async () => {
    for (const source of ['-', '@-']) {
      const result = await runCli(['call', 'getUserByEmail', '--params', source], { env: rec.env, input: '{"email":"a@b.co"}\n' });
      expect(result.code).toBe(0);
    }
    expect(rec.server.received.map((r) => r.body)).toEqual(Array(2).fill('{"method":"getUserByEmail","params":{"email":"a@b.co"}}'));
  });

  it('merges a nested object with dotted flags', async () => {
    const result = await runCli(['createCustomer', '--params', '{"id":"ABC","name":"ABC Company","admin":{"email":"old@example.com","phone":"1"}}', '--admin.email', 'test3@example.com'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(JSON.parse(rec.server.received[0]!.body).params.admin).toEqual({ email: 'test3@example.com', phone: '1' });
  });

  it('never waits on stdin when not asked to read it', async () => {
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co'], { env: rec.env, keepStdinOpen: true });
    expect(result.code).toBe(0);
  });
});

describe('call with a method that has no schema', () => {
  it('sends the params unvalidated and says so', async () => {
    const result = await runCli(['call', 'listOrders', '--params', '{"customer":"ABC"}'], { env: rec.env });
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: 'oneoffice: warning: no schema for method "listOrders": sending params unvalidated\n' });
    expect(rec.server.received[0]!.body).toBe('{"method":"listOrders","params":{"customer":"ABC"}}');
  });

  it('--no-validate sends a known method unchecked', async () => {
    const result = await runCli(['call', 'createRenewalOrder', '--no-validate', '--params', '{"parent":"ORD1","id":"ORD3","licenses":90}'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('oneoffice: warning: --no-validate: sending params for "createRenewalOrder" unchecked\n');
    expect(JSON.parse(rec.server.received[0]!.body).params).toEqual({ parent: 'ORD1', id: 'ORD3', licenses: 90 });
  });
});

describe('invalid input: exit 2, every problem named, nothing sent', () => {
  const cases: Array<[string[], string]> = [
    [['createUser', '--email', 'foo'], '--email: must be an e-mail address (got "foo")'],
    [['createFirstOrder', '--customer', 'ABC', '--id', 'O1', '--product', 'oo-x', '--licenses', '20', '--duration', 'monthly'],
      '--product: must be one of oo-lite, oo-std, oo-ent, erp-std, erp-admin, erp-lim (got "oo-x")'],
    [['createFirstOrder', '--id', 'O1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly'], 'missing required --customer'],
    [['createFirstOrder', '--customer', 'ABC', '--id', 'O1', '--product', 'oo-lite', '--licences', '20', '--duration', 'monthly'],
      'missing required --licenses\noneoffice: unknown parameter --licences (did you mean --licenses?)'],
    [['createFirstOrder', '--params', '{"customer":"ABC","id":"O1","product":"oo-lite","licences":20,"duration":"monthly"}'],
      'missing required --licenses\noneoffice: unknown parameter "licences" (did you mean "licenses"?)'],
    [['call', 'createFirstOrder', '--params', '{"customer":"ABC","id":"O1","product":"oo-lite","licenses":0,"duration":"weekly"}'],
      '"licenses": must be >= 1 (got 0)\noneoffice: "duration": must be one of monthly, yearly (got "weekly")'],
    [['createFirstOrder', '--customer', 'ABC', '--id', 'O1', '--product', 'oo-lite', '--licenses', 'twenty', '--duration', 'monthly'],
      '--licenses: must be an integer (got "twenty")'],
    [['createFirstOrder', '--customer', 'ABC', '--id', 'O1', '--product', 'oo-lite', '--licenses', '2.5', '--duration', 'monthly'],
      '--licenses: must be an integer (got 2.5)'],
    [['updateUserByEmail', '--email', 'a@b.co', '--is-active', 'maybe'], '--is-active: must be true or false (got "maybe")'],
    [['createCustomer', '--id', 'ABC', '--name', 'X', '--admin.email', 'nope', '--admin.phon', '1'],
      'unknown parameter --admin.phon (did you mean --admin.phone?)\noneoffice: --admin.email: must be an e-mail address (got "nope")'],
    [['createCustomer', '--id', 'ABC', '--name', 'X', '--admin', '{"email":'], '--admin: not valid JSON: Unexpected end of JSON input at line 1 column 10'],
    [['createUser', '--params', '{"email": "a@b.co",}'], '--params: not valid JSON: Expected double-quoted property name at line 1 column 20'],
    [['createUser', '--params', '[1,2]'], '--params: must be a JSON object (params is always an object)'],
    [['createUser', '--email'], '--email: needs a value'],
    [['createUser', '--email', 'a@b.co', '--header', 'no colon'], '--header: has no colon; write it as "Name: value" (not repeated here: it may hold a secret)'],
    [['createUser', '--email', 'a@b.co', '-H', 'X-Name: 日本'], '--header: X-Name value may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character)'],
    [['createUser', '--email', 'a@b.co', '--max-time', 'soon'], '--max-time: must be a number of seconds above 0 (got "soon")'],
    [['call'], 'call: missing <method> (see oneoffice methods)'],
    [['createUser', '--email', 'a@b.co', '--url', 'ftp://x'], 'flag --url: must be an http:// or https:// URL (got "ftp:")'],
  ];
  it.each(cases)('%j', async (args, message) => {
    const result = await runCli(args, { env: rec.env });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: ${message}\n` });
    expect(rec.server.received).toHaveLength(0);
  });

  it('an unknown command suggests the method', async () => {
    const result = await runCli(['createUsr', '--email', 'a@b.co'], { env: rec.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('oneoffice: unknown command or method createUsr (did you mean createUser?)\n');
    expect(rec.server.received).toHaveLength(0);
  });

  it('--debug adds the stack trace', async () => {
    const result = await runCli(['createUser', '--email', 'a@b.co', '--url', 'ftp://x', '--debug'], { env: rec.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^oneoffice: flag --url: must be an http:\/\/ or https:\/\/ URL \(got "ftp:"\)\nUsageError: .*\n +at /);
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
    const closed = await startRecordingServer();
    await closed.close();
    const result = await runCli(['createUser', '--email', 'a@b.co'], { env: { ...rec.env, URL: closed.url } });
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: cannot connect to 127.0.0.1:${closed.port}: connection refused\n` });
  });

  it('7: no answer within --max-time', async () => {
    rec.server.respond(() => undefined);
    const result = await runCli(['createUser', '--email', 'a@b.co', '--max-time', '0.5'], { env: rec.env });
    expect(result).toEqual({ code: 7, stdout: '', stderr: `oneoffice: no complete answer from 127.0.0.1:${rec.server.port} within 0.5 s (--max-time)\n` });
  });
});

describe('-H/--header', () => {
  it('adds, replaces and removes headers', async () => {
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '-H', 'X-Trace: 42', '--header', 'Accept: application/vnd.oo+json', '-H', 'User-Agent:'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(header('x-trace')).toBe('42');
    expect(header('accept')).toBe('application/vnd.oo+json');
    expect(header('user-agent')).toBeUndefined();
  });

  it('a Latin-1 value goes out one byte per character, as a batch sends it too', async () => {
    const single = await runCli(['getUserByEmail', '--email', 'a@b.co', '-H', 'X-Name: Zoë'], { env: rec.env });
    expect(single.code).toBe(0);
    const input = join(mkdtempSync(join(tmpdir(), 'oneoffice-latin1-')), 'in.ndjson');
    writeFileSync(input, '{"method":"getUserByEmail","params":{"email":"a@b.co"}}\n');
    const batch = await runCli(['batch', input, '-H', 'X-Name: Zoë'], { env: rec.env });
    expect(batch.code).toBe(0);
    // The server reads header bytes as Latin-1: UTF-8 would arrive as "ZoÃ«".
    expect([header('x-name', 0), header('x-name', 1)]).toEqual(['Zoë', 'Zoë']);
  });
});

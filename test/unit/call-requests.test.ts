// What a call sends and prints, run in this process through main() against a recording server on
// 127.0.0.1: every method's documented example, --params, methods without a schema, invalid input
// (exit 2, every problem named, nothing sent) and -H. Exit codes through the real binary, stdin left
// open and the request as curl sends it are in test/e2e/call.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempDir, tempFile } from '../helpers/temp.js';

const TOKEN = 'test-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ URL: s.url, BEARER: TOKEN }));

function header(name: string, index = 0): string | undefined {
  return rec.server.received[index]?.rawHeaders.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

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
    const result = await runMain([method, ...args], rec.env);
    // A password typed on the command line is visible to others (ps): said on stderr.
    const warning = args.includes('--password') ? 'oneoffice: warning: a secret given with --password is visible to other local users (ps); prefer --params @file or --params - (stdin)\n' : '';
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: warning });
    expect(JSON.parse(rec.server.received[0]!.body)).toEqual({ method, params });
  });

  it('`call` sends the same as the method command', async () => {
    const result = await runMain(['call', 'createFirstOrder', '--params', '{"customer":"ABC","id":"ORD1","product":"oo-lite","licenses":20,"duration":"monthly"}'], rec.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(rec.server.received[0]!.body)).toEqual({ method: 'createFirstOrder', params: { customer: 'ABC', id: 'ORD1', product: 'oo-lite', licenses: 20, duration: 'monthly' } });
  });
});

describe('--params', () => {
  it('reads a file, and flags win over it', async () => {
    const dir = tempDir('params');
    writeFileSync(join(dir, 'order.json'), '{"customer":"ABC","id":"ORD1","product":"oo-std","licenses":5,"duration":"yearly"}');
    const result = await runMain(['createFirstOrder', '--params', `@${join(dir, 'order.json')}`, '--licenses', '20'], rec.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(rec.server.received[0]!.body).params).toEqual({ customer: 'ABC', id: 'ORD1', product: 'oo-std', licenses: 20, duration: 'yearly' });
  });

  it('reads stdin for - and @-', async () => {
    for (const source of ['-', '@-']) {
      const result = await runMain(['call', 'getUserByEmail', '--params', source], rec.env, { input: '{"email":"a@b.co"}\n' });
      expect(result.code).toBe(0);
    }
    expect(rec.server.received.map((r) => r.body)).toEqual(Array(2).fill('{"method":"getUserByEmail","params":{"email":"a@b.co"}}'));
  });

  it('merges a nested object with dotted flags', async () => {
    const result = await runMain(['createCustomer', '--params', '{"id":"ABC","name":"ABC Company","admin":{"email":"old@example.com","phone":"1"}}', '--admin.email', 'test3@example.com'], rec.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(rec.server.received[0]!.body).params.admin).toEqual({ email: 'test3@example.com', phone: '1' });
  });
});

describe('call with a method that has no schema', () => {
  it('sends the params unvalidated and says so', async () => {
    const result = await runMain(['call', 'listOrders', '--params', '{"customer":"ABC"}'], rec.env);
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: 'oneoffice: warning: no schema for method "listOrders": sending params unvalidated\n' });
    expect(rec.server.received[0]!.body).toBe('{"method":"listOrders","params":{"customer":"ABC"}}');
  });

  it('--no-validate sends a known method unchecked', async () => {
    const result = await runMain(['call', 'createRenewalOrder', '--no-validate', '--params', '{"parent":"ORD1","id":"ORD3","licenses":90}'], rec.env);
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
    [['createUser', '--email', 'a@b.co', '-H', 'X-Name: 日本'], '--header: the value may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character)'],
    [['createUser', '--email', 'a@b.co', '--max-time', 'soon'], '--max-time: must be a number of seconds above 0 (got "soon")'],
    [['call'], 'call: missing <method> (see oneoffice methods)'],
    [['createUser', '--email', 'a@b.co', '--url', 'ftp://x'], 'flag --url: must be an http:// or https:// URL (got "ftp:")'],
  ];
  it.each(cases)('%j', async (args, message) => {
    const result = await runMain(args, rec.env);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: ${message}\n` });
    expect(rec.server.received).toHaveLength(0);
  });

  it('an unknown command suggests the method', async () => {
    const result = await runMain(['createUsr', '--email', 'a@b.co'], rec.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('oneoffice: unknown command or method createUsr (did you mean createUser?)\n');
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('-H/--header', () => {
  it('adds, replaces and removes headers', async () => {
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-H', 'X-Trace: 42', '--header', 'Accept: application/vnd.oo+json', '-H', 'User-Agent:'], rec.env);
    expect(result.code).toBe(0);
    expect(header('x-trace')).toBe('42');
    expect(header('accept')).toBe('application/vnd.oo+json');
    expect(header('user-agent')).toBeUndefined();
  });

  it('a Latin-1 value goes out one byte per character, as a batch sends it too', async () => {
    const single = await runMain(['getUserByEmail', '--email', 'a@b.co', '-H', 'X-Name: Zoë'], rec.env);
    expect(single.code).toBe(0);
    const input = tempFile('latin1', 'in.ndjson', '{"method":"getUserByEmail","params":{"email":"a@b.co"}}\n');
    const batch = await runMain(['batch', input, '-H', 'X-Name: Zoë'], rec.env);
    expect(batch.code).toBe(0);
    // The server reads header bytes as Latin-1: UTF-8 would arrive as "ZoÃ«".
    expect([header('x-name', 0), header('x-name', 1)]).toEqual(['Zoë', 'Zoë']);
  });
});

// Bad input is refused before anything is sent (issue 13): a flag swallowed as a value, names
// that reach an object's prototype, integers JSON cannot carry, --params without bound, durations
// beyond what a timer can wait, a word that is no boolean. Each test fails on the code before it.
// In this process through main(), against a recording server on 127.0.0.1 that shows nothing was sent.
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempFile } from '../helpers/temp.js';

const TOKEN = 'harden-input-token-0123456789';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

const file = (name: string, text: string): string => tempFile('harden', name, text);

describe('a value flag followed by a flag (item 4)', () => {
  it('refuses --display-name --dry-run (exit 2, nothing sent) and says how to pass such a value on purpose', async () => {
    const result = await runMain(['createUser', '--email', 's@x.co', '--display-name', '--dry-run'], rec.env);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: --display-name: needs a value, but the flag --dry-run follows it (to pass a value that starts with "-" on purpose, write --display-name=--dry-run)\n',
    });
    expect(rec.server.received).toHaveLength(0);
  });

  it('--display-name=--dry-run sends that name on purpose', async () => {
    const result = await runMain(['createUser', '--email', 's@x.co', '--display-name=--dry-run'], rec.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(rec.server.received[0]!.body)).toEqual({ method: 'createUser', params: { email: 's@x.co', displayName: '--dry-run' } });
  });

  it('the same for options (--url -v), without quoting what may be a secret', async () => {
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', '-v'], rec.env)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: --url: needs a value, but the flag -v follows it (to pass a value that starts with "-" on purpose, write --url=-v)\n',
    });
    const secret = await runMain(['createUser', '--email', 'a@b.co', '--password', '-Secret-pw-1'], rec.env);
    expect(secret).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: --password: needs a value, but what follows it starts with "-" (to pass a value that starts with "-" on purpose, write --password=<value>)\n',
    });
    expect(rec.server.received).toHaveLength(0);
  });

  it('a negative number and - (stdin) are still values', async () => {
    const result = await runMain(['call', 'anyMethod', '--n', '-5', '--params', '-'], rec.env, { input: '{"a":1}' });
    expect(result.code).toBe(0);
    expect(JSON.parse(rec.server.received[0]!.body)).toEqual({ method: 'anyMethod', params: { a: 1, n: '-5' } });
  });
});

describe('__proto__, constructor and prototype (item 16)', () => {
  it.each([
    ['a flag', ['createUser', '--email', 'a@b.co', '--__proto__.x', 'y'], 'oneoffice: --__proto__.x: "__proto__" is not allowed as a parameter name\n'],
    ['a flag on call', ['call', 'anyMethod', '--constructor', 'y'], 'oneoffice: warning: no schema for method "anyMethod": sending params unvalidated\noneoffice: --constructor: "constructor" is not allowed as a parameter name\n'],
    ['--params', ['call', 'anyMethod', '--params', '{"a":{"__proto__":{"admin":true}}}'], 'oneoffice: warning: no schema for method "anyMethod": sending params unvalidated\noneoffice: --params: "a.__proto__": "__proto__" is not allowed as a parameter name\n'],
    ['an object flag', ['createCustomer', '--id', 'A', '--name', 'A', '--admin', '{"email":"a@b.co","prototype":1}'], 'oneoffice: --admin: "prototype": "prototype" is not allowed as a parameter name\n'],
  ])('in %s: exit 2, nothing sent', async (_name, args, stderr) => {
    expect(await runMain(args, rec.env)).toEqual({ code: 2, stdout: '', stderr });
    expect(rec.server.received).toHaveLength(0);
  });

  it('in a CSV header: exit 2, nothing sent', async () => {
    const csv = file('users.csv', '__proto__.email\na@b.co\n');
    const result = await runMain(['batch', csv, '--method', 'createUser'], rec.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('oneoffice: line 1: column "__proto__.email": "__proto__" is not allowed as a parameter name\n');
    expect(rec.server.received).toHaveLength(0);
  });

  it('in an NDJSON line: exit 2, nothing sent', async () => {
    const input = `${JSON.stringify({ method: 'createUser', params: { email: 'a@b.co' } })}\n{"method":"createUser","params":{"email":"b@b.co","__proto__":{"x":1}}}\n`;
    const result = await runMain(['batch', '-'], rec.env, { input });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('oneoffice: line 2: "__proto__": "__proto__" is not allowed as a parameter name\n');
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('integers beyond 2^53 (item 18)', () => {
  const problem = 'must be a whole number between -9007199254740991 and 9007199254740991 (2^53 - 1): larger ones are not sent exactly';
  it.each([
    ['a flag', ['createUser', '--email', 'a@b.co', '--instance', '9007199254740993'], `oneoffice: --instance: ${problem} (got 9007199254740993)\n`],
    ['--params JSON', ['call', 'createUser', '--params', '{"email":"a@b.co","instance":9007199254740993}'], `oneoffice: --params: "instance": ${problem}\n`],
  ])('in %s: exit 2, nothing sent', async (_name, args, stderr) => {
    expect(await runMain(args, rec.env)).toEqual({ code: 2, stdout: '', stderr });
    expect(rec.server.received).toHaveLength(0);
  });

  it('in a batch line and a CSV cell: exit 2, nothing sent', async () => {
    const ndjson = await runMain(['batch', '-'], rec.env, { input: '{"method":"createUser","params":{"email":"a@b.co","instance":-9007199254740993}}\n' });
    expect(ndjson.code).toBe(2);
    expect(ndjson.stderr).toContain(`oneoffice: line 1: "instance": ${problem}\n`);
    const csv = await runMain(['batch', file('u.csv', 'email,instance\na@b.co,18014398509481984\n'), '--method', 'createUser'], rec.env);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain(`oneoffice: line 2: "instance": ${problem} (got 18014398509481984)\n`);
    expect(rec.server.received).toHaveLength(0);
  });

  it('the largest safe integer is sent exactly', async () => {
    expect((await runMain(['createUser', '--email', 'a@b.co', '--instance', '9007199254740991'], rec.env)).code).toBe(0);
    expect(rec.server.received[0]!.body).toBe('{"method":"createUser","params":{"email":"a@b.co","instance":9007199254740991}}');
  });
});

describe('--params - is bounded (item 20)', () => {
  const big = JSON.stringify({ email: 'a@b.co', note: 'x'.repeat(1024 * 1024) });
  it('stdin over 1 MiB: exit 2, one line, nothing sent', async () => {
    expect(await runMain(['call', 'anyMethod', '--params', '-'], rec.env, { input: big })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: warning: no schema for method "anyMethod": sending params unvalidated\noneoffice: --params (stdin): larger than 1048576 bytes (1 MiB), more than a call may carry\n',
    });
    expect(rec.server.received).toHaveLength(0);
  });

  it('a file over 1 MiB: the same', async () => {
    const path = file('big.json', big);
    const result = await runMain(['call', 'anyMethod', '--params', `@${path}`], rec.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`oneoffice: --params (${path}): larger than 1048576 bytes (1 MiB), more than a call may carry\n`);
    expect(rec.server.received).toHaveLength(0);
  });

  it('just under the limit is sent', async () => {
    const params = JSON.stringify({ note: 'x'.repeat(1024 * 1024 - 20) });
    expect((await runMain(['call', 'anyMethod', '--params', '-'], rec.env, { input: params })).code).toBe(0);
    expect(rec.server.received).toHaveLength(1);
  });
});

describe('durations and rates have upper bounds (item 17)', () => {
  it.each([
    ['--max-time', '3000000'],
    ['--connect-timeout', '86401'],
    ['--retry-max-time', '1e9'],
    ['--retry-delay', '100000'],
  ])('%s %s: exit 2, nothing sent', async (flag, value) => {
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co', flag, value], rec.env)).toEqual({
      code: 2,
      stdout: '',
      stderr: `oneoffice: ${flag}: must be at most 86400 seconds (one day) (got "${value}")\n`,
    });
    expect(rec.server.received).toHaveLength(0);
  });

  it('the bound itself is accepted', async () => {
    expect((await runMain(['getUserByEmail', '--email', 'a@b.co', '--max-time', '86400'], rec.env)).code).toBe(0);
  });

  it('batch --rate 1e-7: exit 2 naming the lowest rate, nothing sent', async () => {
    const result = await runMain(['batch', '-', '--rate', '1e-7'], rec.env, { input: '{"method":"createUser","params":{"email":"a@b.co"}}\n' });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --rate: must be a number of calls per second, at least 0.001 (one call every 1000 s) (got "1e-7")\n' });
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('a word after a boolean flag (item 24)', () => {
  it('--is-active maybe says the flag takes true or false', async () => {
    expect(await runMain(['updateUserByEmail', '--email', 'a@b.co', '--is-active', 'maybe'], rec.env)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: --is-active: must be true or false (got "maybe")\n',
    });
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('a 2xx answer that is not JSON (item 19)', () => {
  it.each([
    ['small', 1000],
    ['over 64 KiB', 200 * 1024],
  ])('%s: exit 1, whatever the size; the body still on stdout', async (_name, size) => {
    const body = `<html>${'x'.repeat(size - 13)}</html>`;
    rec.server.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(body);
    });
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co'], rec.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(body);
    expect(result.stderr).toBe(`oneoffice: server answered 200 OK but the body is not JSON (text/html, ${size} bytes)\n`);
  });

  it('a large JSON answer that breaks only at its end: exit 1', async () => {
    const body = `{"users":[${Array.from({ length: 20000 }, (_, i) => `{"id":${i}}`).join(',')}]`;
    rec.server.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co'], rec.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^oneoffice: server answered 200 OK but the body is not JSON \(application\/json, \d+ bytes\)\n$/);
  });

  it('a large valid JSON answer: exit 0', async () => {
    const body = JSON.stringify({ users: Array.from({ length: 20000 }, (_, i) => ({ id: i, name: `user ${i} "q" \u00e9` })) });
    rec.server.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co'], rec.env)).toEqual({ code: 0, stdout: body, stderr: '' });
  });
});

// Parsing without sending: argv -> options and params, flag names, conversions, suggestions.
import { describe, expect, it } from 'vitest';
import { CALL_OPTIONS, parseCallArgs, scanGlobalOptions } from '../../src/options/args.js';
import { commandIndex } from '../../src/cli/main.js';
import { builtinSchemas } from '../../src/generated/builtin.js';
import { maskPaths, maskSecret } from '../../src/api/mask.js';
import { parseJson } from '../../src/api/json.js';
import { assembleParams } from '../../src/api/params.js';
import { shellQuote } from '../../src/output/quote.js';
import { buildCall, callBuilder } from '../../src/api/request.js';
import { camel, convertFlagValue, kebab, paramFlags } from '../../src/api/schema/flags.js';
import { secretPaths } from '../../src/api/schema/registry.js';
import { closest, editDistance } from '../../src/api/suggest.js';

const customer = builtinSchemas['createCustomer']!;
const update = builtinSchemas['updateUserByEmail']!;

function params(schema = customer, argv: string[]) {
  const parsed = parseCallArgs(argv, CALL_OPTIONS, paramFlags(schema));
  return { parsed, assembled: assembleParams({}, parsed.params, schema) };
}

describe('flag names', () => {
  it.each([['displayName', 'display-name'], ['isActive', 'is-active'], ['email', 'email'], ['userID', 'user-id'], ['HTTPProxy', 'http-proxy']])('%s <-> --%s', (name, flag) => {
    expect(kebab(name)).toBe(flag);
  });
  it('camel reverses kebab for the schemas’ names', () => {
    for (const name of ['displayName', 'isActive', 'email']) expect(camel(kebab(name))).toBe(name);
  });
  it('nested objects get dotted flags', () => {
    expect(paramFlags(customer).map((f) => [f.flag, f.required])).toEqual([
      ['--id', true], ['--name', true], ['--admin', true], ['--admin.email', true], ['--admin.phone', false], ['--admin.display-name', false],
    ]);
  });
});

describe('parseCallArgs', () => {
  it('options, params and positionals, in any order', () => {
    const { parsed, assembled } = params(customer, ['--url', 'http://x', '--id', 'ABC', '-H', 'A: 1', '--admin.display-name=Isa', '--header', 'B: 2', 'extra', '--', '--id']);
    expect(parsed.options).toEqual({ url: 'http://x', header: ['A: 1', 'B: 2'] });
    expect(parsed.positionals).toEqual(['extra', '--id']);
    expect(assembled.params).toEqual({ id: 'ABC', admin: { displayName: 'Isa' } });
    expect(assembled.flagPaths).toEqual(new Set(['id', 'admin.displayName']));
  });

  it('an unknown flag does not swallow the flags after it', () => {
    const { assembled } = params(customer, ['--nmae', 'X', '--id', 'ABC', '--verbose-ish', '--name', 'Y']);
    expect(assembled.params).toEqual({ nmae: 'X', id: 'ABC', verboseIsh: true, name: 'Y' });
  });

  it.each([
    [['--is-active'], true], [['--is-active', 'false'], false], [['--is-active=no'], false], [['--no-is-active'], false],
    [['--is-active', 'TRUE'], true], [['--is-active', '0'], false],
  ])('boolean %j -> %j', (argv, value) => {
    expect(params(update, argv).assembled.params['isActive']).toBe(value);
  });

  it('a value flag does not take a next word that looks like a flag; --flag=value passes it on purpose', () => {
    const { parsed } = params(customer, ['--name', '-ACME-', '--id', '--dry-run']);
    expect(parsed.problems).toEqual([
      '--name: needs a value, but what follows it starts with "-" (to pass a value that starts with "-" on purpose, write --name=<value>)',
      '--id: needs a value, but the flag --dry-run follows it (to pass a value that starts with "-" on purpose, write --id=--dry-run)',
    ]);
    expect(parsed.options).toEqual({ 'dry-run': true });
    expect(params(customer, ['--name=-ACME-', '--id', '-', '--admin.phone', '-1']).assembled.params).toEqual({ name: '-ACME-', id: '-', admin: { phone: '-1' } });
  });

  it('collects problems instead of stopping at the first', () => {
    const { parsed } = params(customer, ['-x', '--debug=1', '--id']);
    expect(parsed.problems).toEqual(['unknown option -x', '--debug takes no value', '--id: needs a value']);
  });
});

describe('conversion to the schema type', () => {
  it.each([
    [{ type: 'integer' }, '20', 20], [{ type: 'integer' }, 'twenty', 'twenty'], [{ type: 'number' }, '-1.5e3', -1500],
    [{ type: 'boolean' }, 'yes', true], [{ type: 'string' }, '20', '20'], [{ type: 'object' }, '{"a":1}', { a: 1 }], [{ type: 'array' }, '[1]', [1]],
  ])('%j %s', (schema, raw, value) => {
    expect(convertFlagValue('--f', raw, schema)).toEqual({ value });
  });
  it('malformed JSON for an object flag is a problem of its own', () => {
    expect(convertFlagValue('--admin', '{', { type: 'object' })).toEqual({ problem: "--admin: not valid JSON: Expected property name or '}' at line 1 column 2" });
  });
});

describe('parseJson', () => {
  it('gives line and column', () => {
    expect(parseJson('{\n  "a": 1,\n}')).toEqual({ error: 'Expected double-quoted property name at line 3 column 1' });
  });
  it('never repeats the text it could not parse (it may hold a password)', () => {
    expect(parseJson('secret-pw-1234')).toEqual({ error: 'Unexpected character at line 1 column 1' });
    expect(parseJson('{"password":}')).toEqual({ error: 'Unexpected character at line 1 column 13' });
    // V8 quotes an excerpt ("..."assword": hunter2sec"...") for longer text: not a character of it is repeated.
    expect(parseJson('{"email":"a@b.co","password": hunter2secret}')).toEqual({ error: 'Unexpected character at line 1 column 31' });
  });
});

describe('commandIndex and scanGlobalOptions', () => {
  it('skips option values before the command', () => {
    expect(commandIndex(['--profile', 'prod', '--url', 'u', 'createUser', '--email', 'x'])).toBe(4);
    expect(commandIndex(['--debug', 'methods'])).toBe(1);
    expect(commandIndex(['--', 'createUser'])).toBe(-1);
  });
  it('finds no command after options alone, a last one taking a value or not', () => {
    expect(commandIndex(['--help'])).toBe(-1);
    expect(commandIndex(['--profile'])).toBe(-1);
    expect(commandIndex(['--profile', 'prod'])).toBe(-1);
    expect(commandIndex(['--no-color', '--profile'])).toBe(-1);
  });
  it('finds global options anywhere before --', () => {
    expect(scanGlobalOptions(['createUser', '--schemas=/s', '--profile', 'p', '--debug', '--', '--no-color'])).toEqual({ schemas: '/s', profile: 'p', debug: true, noColor: false });
  });
});

describe('suggestions', () => {
  it('finds typos and swaps', () => {
    expect(editDistance('licences', 'licenses')).toBe(1);
    expect(editDistance('emial', 'email')).toBe(1);
    expect(closest('licences', ['customer', 'licenses', 'duration'])).toBe('licenses');
    expect(closest('zzzzzz', ['customer', 'licenses'])).toBeUndefined();
  });
});

describe('buildCall', () => {
  it('builds the request as data, headers in wire order', () => {
    const call = buildCall({ url: new URL('https://api.example.com/x?y=1'), token: 'tok', apiMethod: 'createUser', params: { email: 'a@b.co' }, extraHeaders: ['X-Trace: 1', 'accept: text/plain'] });
    expect(call.body).toBe('{"method":"createUser","params":{"email":"a@b.co"}}');
    expect(call.headers).toEqual([
      ['host', 'api.example.com'], ['connection', 'keep-alive'], ['x-api-key', 'tok'], ['Content-Type', 'application/json'],
      ['accept', 'text/plain'], ['User-Agent', 'oneoffice/0.0.0-dev'], ['X-Trace', '1'], ['content-length', '51'],
    ]);
  });
  it.each([
    ['non-Latin-1 letters', 'X-Name: 日本'],
    ['a control character', 'X-Name: a\x07b'],
    ['DEL', 'X-Name: a\x7fb'],
  ])('refuses a -H value a header cannot carry: %s', (_name, line) => {
    expect(() => buildCall({ url: new URL('https://a'), token: 't', apiMethod: 'm', params: {}, extraHeaders: [line] })).toThrow(
      '--header: the value may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character)',
    );
  });
  it('takes Latin-1 and tabs in a -H value', () => {
    const call = buildCall({ url: new URL('https://a'), token: 't', apiMethod: 'm', params: {}, extraHeaders: ['X-Name: Zoë\tX'] });
    expect(call.headers).toContainEqual(['X-Name', 'Zoë\tX']);
  });
  it('refuses a token a header cannot carry, without quoting it', () => {
    const attempt = () => buildCall({ url: new URL('https://a'), token: 'sécret-日本', apiMethod: 'm', params: {} });
    expect(attempt).toThrow('the API token may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character); check where it comes from (--bearer, $ONEOFFICE_BEARER, $BEARER or the config file)');
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_BAD_TOKEN', exitCode: 3 }));
  });
  it('refuses headers the transport owns', () => {
    expect(() => buildCall({ url: new URL('https://a'), token: 't', apiMethod: 'm', params: {}, extraHeaders: ['Content-Length: 5'] })).toThrow('--header: Content-Length is set by oneoffice and cannot be changed');
  });
  it("a batch's call builder makes each call as buildCall does, and a later call does not change an earlier one", () => {
    const url = new URL('https://api.example.com/x');
    const build = callBuilder({ url, token: 'tok', headers: [['X-Trace', '1'], ['Accept', undefined]] });
    const first = build('createUser', { email: 'a@b.co' });
    const second = build('getUserByEmail', { email: 'zoë@b.co' }, [['email']]);
    expect(first).toEqual(buildCall({ url, token: 'tok', apiMethod: 'createUser', params: { email: 'a@b.co' }, extraHeaders: ['X-Trace: 1', 'Accept:'] }));
    expect(second).toEqual(buildCall({ url, token: 'tok', apiMethod: 'getUserByEmail', params: { email: 'zoë@b.co' }, extraHeaders: ['X-Trace: 1', 'Accept:'], secretPaths: [['email']] }));
    expect(first.headers.at(-1)).toEqual(['content-length', '51']);
    expect(second.headers.at(-1)).toEqual(['content-length', String(Buffer.byteLength(second.body))]);
  });
  it("a batch's call builder refuses a bad token at once, before any call", () => {
    expect(() => callBuilder({ url: new URL('https://a'), token: 'sécret-日本' })).toThrow(expect.objectContaining({ code: 'E_BAD_TOKEN' }));
  });
});

describe('secrets', () => {
  it.each([['short', '****'], ['0123456789abcdef', '****…cdef'], ['0123456789abcde', '****']])('maskSecret(%s)', (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });
  it('finds x-secret fields and masks them in a copy', () => {
    const paths = secretPaths(builtinSchemas['createUser']!);
    expect(paths).toEqual([['password']]);
    const original = { email: 'a@b.co', password: 'onemoretime' };
    expect(maskPaths(original, paths)).toEqual({ email: 'a@b.co', password: '****' });
    expect(original.password).toBe('onemoretime');
  });
});

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'], ['', "''"], ['two words', "'two words'"], ["it's", "'it'\\''s'"], ['$HOME `x` "q"', "'$HOME `x` \"q\"'"], ['a\nb', "'a\nb'"], ['ünï', "'ünï'"],
  ])('%j', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});

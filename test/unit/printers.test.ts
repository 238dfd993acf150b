// The printers and the curl translation as tables: a call as data in, the exact text out.
import { describe, expect, it } from 'vitest';
import { formatDryRun, verboseRequestLines, verboseResponseLines } from '../../src/output/printer.js';
import { buildCall, type CallSpec } from '../../src/api/request.js';
import { maskedCurlHeaders, toCurl, type CurlOptions } from '../../src/output/to-curl.js';

const TOKEN = 'tok-0123456789abcdef-c0de';
const base: CallSpec = { url: new URL('https://api.oneoffice.test/ext'), token: TOKEN, apiMethod: 'createUser', params: { email: 'test1@oneoffice.bh' } };
const withPassword: CallSpec = { ...base, params: { email: 'a@b.co', password: 'onemoretime' }, secretPaths: [['password']] };
const hide = { showSecrets: false };
const UA = 'User-Agent: oneoffice/0.0.0-dev';

describe('--dry-run text', () => {
  it.each<[string, CallSpec, boolean, string]>([
    ['the seed example', base, false,
      `GET /ext HTTP/1.1\nhost: api.oneoffice.test\nconnection: keep-alive\nx-api-key: ****…c0de\nContent-Type: application/json\nAccept: application/json\n${UA}\ncontent-length: 63\n\n{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}\n`],
    ['a password, masked', withPassword, false,
      `GET /ext HTTP/1.1\nhost: api.oneoffice.test\nconnection: keep-alive\nx-api-key: ****…c0de\nContent-Type: application/json\nAccept: application/json\n${UA}\ncontent-length: 76\n\n{"method":"createUser","params":{"email":"a@b.co","password":"****"}}\n`],
    ['--show-secrets', withPassword, true,
      `GET /ext HTTP/1.1\nhost: api.oneoffice.test\nconnection: keep-alive\nx-api-key: ${TOKEN}\nContent-Type: application/json\nAccept: application/json\n${UA}\ncontent-length: 76\n\n{"method":"createUser","params":{"email":"a@b.co","password":"onemoretime"}}\n`],
    ['a short token and an Authorization header', { ...base, token: 'short', extraHeaders: ['Authorization: Basic dXNlcjpwYXNz'], url: new URL('http://127.0.0.1:8787/?a=1') }, false,
      `GET /?a=1 HTTP/1.1\nhost: 127.0.0.1:8787\nconnection: keep-alive\nx-api-key: ****\nContent-Type: application/json\nAccept: application/json\n${UA}\nAuthorization: ****…YXNz\ncontent-length: 63\n\n{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}\n`],
  ])('%s', (_name, spec, reveal, text) => {
    expect(formatDryRun(buildCall(spec), { showSecrets: reveal })).toBe(text);
  });
});

describe('-v lines', () => {
  it('request: head, a > line, then the body as pretty JSON with secrets masked', () => {
    expect(verboseRequestLines(buildCall(withPassword), hide)).toEqual([
      '> GET /ext HTTP/1.1', '> host: api.oneoffice.test', '> connection: keep-alive', '> x-api-key: ****…c0de',
      '> Content-Type: application/json', '> Accept: application/json', `> ${UA}`, '> content-length: 76', '>',
      '{', '  "method": "createUser",', '  "params": {', '    "email": "a@b.co",', '    "password": "****"', '  }', '}',
    ]);
  });
  it('response: status line, every header (repeated ones once each), a < line', () => {
    expect(verboseResponseLines({ status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] } })).toEqual([
      '< HTTP/1.1 400 Bad Request', '< content-type: application/json', '< set-cookie: a=1', '< set-cookie: b=2', '<',
    ]);
  });
});

describe('--curl translation', () => {
  const headers = `--header "x-api-key: \${ONEOFFICE_BEARER}" --header 'Content-Type: application/json' --header 'Accept: application/json' --header '${UA}'`;
  it.each<[string, CallSpec, boolean, string]>([
    ['the seed example', base, false,
      `curl -X GET https://api.oneoffice.test/ext ${headers} --data '{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}'`],
    ['a query string and extra headers', { ...base, url: new URL('https://h.test/p?a=1&b=2'), extraHeaders: ['X-Trace: it\'s 42'] }, false,
      `curl -X GET 'https://h.test/p?a=1&b=2' ${headers} --header 'X-Trace: it'\\''s 42' --data '{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}'`],
    ['removed default headers are removed from curl too', { ...base, extraHeaders: ['Accept:', 'User-Agent:'] }, false,
      `curl -X GET https://api.oneoffice.test/ext --header "x-api-key: \${ONEOFFICE_BEARER}" --header 'Content-Type: application/json' --header Accept: --header User-Agent: --data '{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}'`],
    ['hostile params: quotes, $, backticks, newlines, unicode', { ...base, apiMethod: 'x', params: { s: 'it\'s "$HOME" `id` $(id) \\ \n ünï 😀' } }, false,
      `curl -X GET https://api.oneoffice.test/ext ${headers} --data '{"method":"x","params":{"s":"it'\\''s \\"$HOME\\" \`id\` $(id) \\\\ \\n ünï 😀"}}'`],
    ['a password is masked', withPassword, false,
      `curl -X GET https://api.oneoffice.test/ext ${headers} --data '{"method":"createUser","params":{"email":"a@b.co","password":"****"}}'`],
    ['--show-secrets inlines the token and the password', withPassword, true,
      `curl -X GET https://api.oneoffice.test/ext --header 'x-api-key: ${TOKEN}' --header 'Content-Type: application/json' --header 'Accept: application/json' --header '${UA}' --data '{"method":"createUser","params":{"email":"a@b.co","password":"onemoretime"}}'`],
  ])('%s', (_name, spec, reveal, text) => {
    expect(toCurl(buildCall(spec), { showSecrets: reveal })).toBe(text);
  });

  const rest = `--header 'Content-Type: application/json' --header 'Accept: application/json' --header '${UA}'`;
  const seedBody = `'{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}'`;
  it.each<[string, CallSpec, CurlOptions, string]>([
    ['Authorization and Cookie are masked like in -v', { ...base, extraHeaders: ['Authorization: Bearer abcdefghijklmnop-wxyz', 'Cookie: session=s3cr3t'] }, { showSecrets: false, tokenValue: TOKEN },
      `curl -X GET https://api.oneoffice.test/ext --header "x-api-key: \${ONEOFFICE_BEARER}" ${rest} --header 'Authorization: ****…wxyz' --header 'Cookie: ****' --data ${seedBody}`],
    ['--show-secrets prints them', { ...base, extraHeaders: ['Authorization: Bearer abcdefghijklmnop-wxyz', 'Cookie: session=s3cr3t'] }, { showSecrets: true, tokenValue: TOKEN },
      `curl -X GET https://api.oneoffice.test/ext --header 'x-api-key: ${TOKEN}' ${rest} --header 'Authorization: Bearer abcdefghijklmnop-wxyz' --header 'Cookie: session=s3cr3t' --data ${seedBody}`],
    ['the token from $BEARER is read from $BEARER', base, { showSecrets: false, tokenValue: TOKEN, token: { variable: 'BEARER' } },
      `curl -X GET https://api.oneoffice.test/ext --header "x-api-key: \${BEARER}" ${rest} --data ${seedBody}`],
    ['the token from the config file is read with oneoffice config get', base, { showSecrets: false, tokenValue: TOKEN, token: { command: ['--profile', 'my staging', 'config', 'get', 'bearer', '--show-secrets'] } },
      `curl -X GET https://api.oneoffice.test/ext --header "x-api-key: $(oneoffice --profile 'my staging' config get bearer --show-secrets)" ${rest} --data ${seedBody}`],
    ['-H X-Api-Key: what is really sent, masked', { ...base, extraHeaders: ['X-Api-Key: other-key-0123456789-9876'] }, { showSecrets: false, tokenValue: TOKEN },
      `curl -X GET https://api.oneoffice.test/ext --header 'X-Api-Key: ****…9876' ${rest} --data ${seedBody}`],
    ['-H X-Api-Key with --show-secrets', { ...base, extraHeaders: ['X-Api-Key: other-key'] }, { showSecrets: true, tokenValue: TOKEN },
      `curl -X GET https://api.oneoffice.test/ext --header 'X-Api-Key: other-key' ${rest} --data ${seedBody}`],
    ['-H "X-Api-Key:" sends none, so curl sends none', { ...base, extraHeaders: ['X-Api-Key:'] }, { showSecrets: false, tokenValue: TOKEN },
      `curl -X GET https://api.oneoffice.test/ext ${rest} --data ${seedBody}`],
  ])('%s', (_name, spec, options, text) => {
    expect(toCurl(buildCall(spec), options)).toBe(text);
  });

  it('names the credential headers it masks (for the warning), not the token', () => {
    const call = buildCall({ ...base, extraHeaders: ['Authorization: Basic x', 'Cookie: a=b', 'X-Trace: 1'] });
    expect(maskedCurlHeaders(call, { showSecrets: false, tokenValue: TOKEN })).toEqual(['Authorization', 'Cookie']);
    expect(maskedCurlHeaders(call, { showSecrets: true, tokenValue: TOKEN })).toEqual([]);
    expect(maskedCurlHeaders(buildCall({ ...base, extraHeaders: ['X-Api-Key: typed'] }), { showSecrets: false, tokenValue: TOKEN })).toEqual(['X-Api-Key']);
  });
});

describe('-v status line', () => {
  it.each([
    ['the standard text when the transport has no reason phrase', { status: 404, statusText: 'Not Found', headers: {} }, '< HTTP/1.1 404 Not Found'],
    ["the server's own words", { status: 200, statusText: 'OK', reason: 'Fine Thanks', headers: {} }, '< HTTP/1.1 200 Fine Thanks'],
    ['an empty reason phrase', { status: 404, statusText: 'Not Found', reason: '', headers: {} }, '< HTTP/1.1 404'],
    ['escape sequences shown, not obeyed', { status: 404, statusText: 'Not Found', reason: '\x1b[2J\x1b[31mhacked', headers: {} }, '< HTTP/1.1 404 \\u001b[2J\\u001b[31mhacked'],
  ])('%s', (_name, head, line) => {
    expect(verboseResponseLines(head)[0]).toBe(line);
  });
});

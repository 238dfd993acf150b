// Credentials that are not the token but are sent all the same, echoed back by a server or a proxy:
// a key or an Authorization given with -H (or the library's `headers`), and the user and password of
// a proxy URL (sent as Proxy-Authorization: Basic ...). Printed requests always masked them; an
// answer quoting them is masked as an answer quoting the token is: in the error line, the error body
// on stdout, -v, batch's records, test's reports and the library's errors. main(argv, deps) in this
// process against a recording server on 127.0.0.1 (for a proxy, the server plays the proxy).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { sentCredentials } from '../../src/api/mask.js';
import { records } from '../helpers/batch.js';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { tempDir } from '../helpers/temp.js';
import { useRecordingServer, type Responder } from '../helpers/server.js';

const TOKEN = 'echoed-credentials-token-0123456789';
const HEADER_KEY = 'header-given-key-9876543210-cafe';
const BEARER_CREDENTIAL = 'authorization-credential-5555-beef';
const PROXY_PASSWORD = 'proxy-pass/word+42';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

/** Answers 401 quoting the credentials it got, in a header and in its JSON message, as a debugging server may. */
const quotesCredentials: Responder = (request, res) => {
  const sent = [request.headers['x-api-key'], request.headers['authorization'], request.headers['proxy-authorization']].filter((value) => value !== undefined).join(' | ');
  res.writeHead(401, { 'content-type': 'application/json', 'x-seen': sent });
  res.end(JSON.stringify(`refused: ${sent}`));
};

/** The Basic credential a proxy URL's user and password are sent as. */
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('a credential header given with -H, quoted back by the server', () => {
  it('is masked in the error line, the error body on stdout and -v, as the token is', async () => {
    rec.server.respond(quotesCredentials);
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-H', `X-Api-Key: ${HEADER_KEY}`, '-v'], rec.env);
    expect(rec.server.received[0]?.headers['x-api-key']).toBe(HEADER_KEY);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('"refused: ****"');
    expect(result.stderr).toContain('< x-seen: ****\n');
    expect(result.stderr).toContain('oneoffice: server answered 401 Unauthorized: refused: ****\n');
    expect(result.stderr).not.toContain(HEADER_KEY);
  });

  it("is masked whole and as the credential after an Authorization header's scheme", async () => {
    rec.server.respond((request, res) => {
      const credential = (request.headers['authorization'] ?? '').replace(/^Bearer /, '');
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify(`the key ${credential} may not (${request.headers['authorization'] ?? ''})`));
    });
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-H', `Authorization: Bearer ${BEARER_CREDENTIAL}`], rec.env);
    expect([result.code, result.stdout]).toEqual([4, '"the key **** may not (****)"']);
    expect(result.stderr).toBe('oneoffice: server answered 403 Forbidden: the key **** may not (****)\n');
  });

  it('is any header whose name says it holds one (X-Auth-Token, X-Session-Id, X-Client-Secret...): masked in --dry-run, -v and echoed', async () => {
    const names = ['X-Auth-Token', 'X-Amz-Security-Token', 'X-Session-Id', 'X-Client-Secret', 'X-Db-Password', 'Api-Key', 'X-Credential'];
    const lines = names.map((name, i) => `${name}: ${name.toLowerCase()}-value-${i}-0123456789`);
    const headers = lines.flatMap((line) => ['-H', line]);
    const dry = await runMain(['getUserByEmail', '--email', 'a@b.co', '--dry-run', ...headers, '-H', 'X-Trace: trace-0123456789'], rec.env);
    for (const name of names) expect(dry.stdout).toMatch(new RegExp(`\\n${name}: \\*\\*\\*\\*…\\d{4}\\n`));
    expect(dry.stdout).toContain('\nX-Trace: trace-0123456789\n');
    rec.server.respond((request, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(`refused: ${String(request.headers['x-auth-token'])}`));
    });
    const sent = await runMain(['getUserByEmail', '--email', 'a@b.co', '-v', ...headers], rec.env);
    expect(rec.server.received[0]?.headers['x-auth-token']).toBe('x-auth-token-value-0-0123456789');
    expect([sent.code, sent.stdout]).toEqual([4, '"refused: ****"']);
    for (const line of lines) expect(sent.stderr).not.toContain(line.slice(line.indexOf(':') + 2));
  });

  it('is shown with --show-secrets, which asks for it', async () => {
    rec.server.respond(quotesCredentials);
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-H', `X-Api-Key: ${HEADER_KEY}`, '--show-secrets'], rec.env);
    expect([result.code, result.stdout]).toEqual([4, JSON.stringify(`refused: ${HEADER_KEY}`)]);
  });

  it("is masked in batch's results file", async () => {
    rec.server.respond(quotesCredentials);
    const dir = tempDir('echoed-header');
    const input = join(dir, 'in.ndjson');
    const results = join(dir, 'r.ndjson');
    writeFileSync(input, `${JSON.stringify({ method: 'getUserByEmail', params: { email: 'a@b.co' } })}\n`);
    const result = await runMain(['batch', input, '--results', results, '-H', `Authorization: Bearer ${BEARER_CREDENTIAL}`], rec.env);
    expect(result.code).toBe(4);
    const written = readFileSync(results, 'utf8');
    expect(written).not.toContain(BEARER_CREDENTIAL);
    expect(records(written).map(({ error, body }) => ({ error, body }))).toEqual([{ error: 'refused: **** | ****', body: 'refused: **** | ****' }]);
  });

  it("is masked in oneoffice test's console and report", async () => {
    rec.server.respond(quotesCredentials);
    const dir = tempDir('echoed-header-test');
    const scenario = join(dir, 'smoke.yml');
    writeFileSync(scenario, 'steps:\n  - call: getUserByEmail\n    params: { email: a@b.co }\n');
    const report = join(dir, 'report.html');
    const result = await runMain(['test', scenario, '-H', `X-Api-Key: ${HEADER_KEY}`, '--report', `html:${report}`], rec.env);
    expect(result.code).toBe(8);
    expect(result.stdout).toContain('refused: ****');
    expect(result.stdout + result.stderr).not.toContain(HEADER_KEY);
    const written = readFileSync(report, 'utf8');
    expect(written).toContain('&lt; x-seen: ****');
    expect(written).not.toContain(HEADER_KEY);
  });

  it("is masked in the library client's errors (its headers option)", async () => {
    rec.server.respond(quotesCredentials);
    const client = createClient({ url: rec.server.url, token: TOKEN, headers: [`Authorization: Bearer ${BEARER_CREDENTIAL}`] });
    const error: unknown = await client.getUserByEmail({ email: 'a@b.co' }).catch((caught: unknown) => caught);
    await client.close();
    expect((error as Error).message).toBe('server answered 401 Unauthorized: refused: **** | ****');
    expect([inspect(error, { depth: 10 }), JSON.stringify(error)].join('\n')).not.toContain(BEARER_CREDENTIAL);
  });
});

describe("a proxy URL's user and password, quoted back by the proxy", () => {
  // The recording server is the proxy: a plain http:// call goes to it whole, with Proxy-Authorization.
  const proxied = () => ({ ...rec.env, ONEOFFICE_URL: 'http://127.0.0.1:9/api', HTTP_PROXY: `http://proxy-user:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${rec.server.port}` });
  /** Refuses the call, quoting the Basic credential and the password it decodes to. */
  const proxyRefuses: Responder = (request, res) => {
    const credential = (request.headers['proxy-authorization'] ?? '').replace(/^Basic /, '');
    const password = Buffer.from(credential, 'base64').toString('utf8').split(':')[1] ?? '';
    res.writeHead(403, { 'content-type': 'text/plain', 'x-seen': `Basic ${credential}` });
    res.end(`no entry for ${credential} (password ${password})`);
  };

  it('is masked in the error body on stdout and in -v, in the Basic form it was sent in and decoded', async () => {
    rec.server.respond(proxyRefuses);
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '-v'], proxied());
    expect(rec.server.received[0]?.headers['proxy-authorization']).toBe(`Basic ${basic('proxy-user', PROXY_PASSWORD)}`);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('no entry for **** (password ****)');
    expect(result.stderr).toContain('< x-seen: Basic ****\n');
    expect(result.stderr).toContain('* Using proxy http://proxy-user:****@127.0.0.1:');
    expect(result.stdout + result.stderr).not.toContain(basic('proxy-user', PROXY_PASSWORD));
    expect(result.stdout + result.stderr).not.toContain(PROXY_PASSWORD);
  });

  it("is masked in the library client's errors (its proxy option)", async () => {
    rec.server.respond(proxyRefuses);
    const proxy = `http://proxy-user:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${rec.server.port}`;
    const client = createClient({ url: 'http://127.0.0.1:9/api', token: TOKEN, proxy });
    const error: unknown = await client.getUserByEmail({ email: 'a@b.co' }).catch((caught: unknown) => caught);
    await client.close();
    const shown = [inspect(error, { depth: 10 }), JSON.stringify(error)].join('\n');
    expect((error as { body?: unknown }).body).toBe('no entry for **** (password ****)');
    expect(shown).not.toContain(basic('proxy-user', PROXY_PASSWORD));
    expect(shown).not.toContain(PROXY_PASSWORD);
  });
});

describe('the credentials a call carries (sentCredentials)', () => {
  it('are the values of the credential headers only, each whole and in the part a server may quote alone', () => {
    const headers: Array<[string, string | undefined]> = [
      ['X-Trace', 'not-a-secret-1234'],
      ['authorization', 'Bearer abcd-credential'],
      ['Cookie', 'session=cookie-value-1; theme = dark-mode'],
      ['X-Api-Key', undefined],
      ['PROXY-AUTHORIZATION', 'Basic cHJveHk6cGFzcw=='],
    ];
    expect(sentCredentials(headers, [])).toEqual(['Bearer abcd-credential', 'abcd-credential', 'session=cookie-value-1; theme = dark-mode', 'cookie-value-1', 'dark-mode', 'Basic cHJveHk6cGFzcw==', 'cHJveHk6cGFzcw==']);
  });

  it("are a proxy's password decoded, and the Basic credential only when it has a user too, as undici sends it", () => {
    const withUser = new URL('http://us%40er:p%2Fss%3Aword@proxy.example:3128');
    expect(sentCredentials([], [withUser, undefined])).toEqual(['p/ss:word', basic('us@er', 'p/ss:word')]);
    expect(sentCredentials([], [new URL('http://:lonely-password@proxy.example'), new URL('http://only-user@proxy.example')])).toEqual(['lonely-password']);
    // A broken escape is sent as it is.
    expect(sentCredentials([], [new URL('http://u:bad%zzpass@proxy.example')])).toEqual(['bad%zzpass', basic('u', 'bad%zzpass')]);
  });
});

// The library client attacked as a program would misuse it (issue 20, items 3, 13 and 21): a server
// that echoes the token or a password back, params that JSON cannot carry, and an AbortSignal that
// fires while the client waits out a Retry-After. Imported from the built package, against a
// recording server on 127.0.0.1.
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, HttpError, isOneOfficeError, ValidationError } from 'oneoffice';
import { jsonResponder, startRecordingServer, type RecordingServer } from '../helpers/server.js';

const TOKEN = 'tok-library-hardening-0123456789abcdef';
const PASSWORD = 'Hunter2-library-pw';
const EMPTY_ENV = { HOME: '/nonexistent' };

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.received.length = 0;
  server.respond(jsonResponder(200, { ok: true }));
});

/** Every way a program could show an error: message, stack, util.inspect, JSON.stringify, String. */
function everyFormOf(error: unknown): string {
  const asError = error as Error;
  return [asError.message, asError.stack, inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error)].join('\n');
}

describe('an error answer that echoes a secret (item 3)', () => {
  it('holds no token in its message, stack, inspection or JSON when the server echoes the key in its message, headers and body', async () => {
    server.respond((request, res) => {
      const key = String(request.headers['x-api-key']);
      res.writeHead(401, { 'content-type': 'application/json', 'x-echo-key': key });
      res.end(JSON.stringify({ message: `invalid key ${key}`, key }));
    });
    const oo = createClient({ url: server.url, token: TOKEN, env: EMPTY_ENV });
    const error = await oo.getUserByEmail({ email: 'a@example.com' }).catch((caught: unknown) => caught);
    await oo.close();
    expect(error).toBeInstanceOf(HttpError);
    const http = error as HttpError;
    expect([http.status, http.code, http.message, http.serverMessage]).toEqual([401, 'E_HTTP_4XX', 'server answered 401 Unauthorized: invalid key ****', 'invalid key ****']);
    expect(http.body).toEqual({ message: 'invalid key ****', key: '****' });
    expect(http.headers['x-echo-key']).toBe('****');
    expect(everyFormOf(error)).not.toContain(TOKEN);
    expect(server.received[0]?.headers['x-api-key']).toBe(TOKEN);
  });

  it("holds no x-secret param's value when the server quotes it, in a JSON message or a body that is not JSON", async () => {
    const oo = createClient({ url: server.url, token: TOKEN, env: EMPTY_ENV });
    server.respond(jsonResponder(400, `password ${PASSWORD} is too weak`));
    const weak = await oo.resetPasswordByEmail({ email: 'a@example.com', password: PASSWORD }).catch((caught: unknown) => caught);
    expect((weak as HttpError).message).toBe('server answered 400 Bad Request: password **** is too weak');
    expect((weak as HttpError).body).toBe('password **** is too weak');
    expect(everyFormOf(weak)).not.toContain(PASSWORD);

    server.respond((_request, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(`<p>upstream said: bad password ${PASSWORD}</p>`);
    });
    const html = await oo.resetPasswordByEmail({ email: 'a@example.com', password: PASSWORD }).catch((caught: unknown) => caught);
    expect((html as HttpError).body).toBe('<p>upstream said: bad password ****</p>');
    expect(everyFormOf(html)).not.toContain(PASSWORD);
    await oo.close();
    expect(JSON.parse(server.received[0]?.body ?? '{}').params.password).toBe(PASSWORD);
  });
});

describe('an error answer that echoes the token with JSON escapes', () => {
  // A token with "/", which PHP's json_encode writes "\\/"; its "l" and "k" as \\u escapes (hex in either case).
  const SLASHED = 'tok/library/escaped-0123456789/abcdef';
  const escaped = SLASHED.replaceAll('/', '\\/').replace('l', '\\u006C').replace('k', '\\u006b');

  it('holds no token in its message, body, stack, inspection or JSON: quoted in a JSON message, a body cut short, and a text/plain body', async () => {
    const answers: Array<[string, string]> = [
      // The server's message quotes the request as it read it: the token escaped inside a JSON string.
      ['application/json', JSON.stringify(`bad key in {"key":"${escaped}"}`)],
      ['application/json', `{"error":"bad key ${escaped}`],
      ['text/plain', `bad key ${escaped}`],
    ];
    const oo = createClient({ url: server.url, token: SLASHED, env: EMPTY_ENV });
    const errors: unknown[] = [];
    for (const [type, body] of answers) {
      server.respond((_request, res) => {
        res.writeHead(401, { 'content-type': type });
        res.end(body);
      });
      errors.push(await oo.getUserByEmail({ email: 'a@example.com' }).catch((caught: unknown) => caught));
    }
    await oo.close();
    expect(errors.map((error) => [(error as HttpError).message, (error as HttpError).body])).toEqual([
      ['server answered 401 Unauthorized: bad key in {"key":"****"}', 'bad key in {"key":"****"}'],
      ['server answered 401 Unauthorized: body is not JSON (application/json, 68 bytes)', '{"error":"bad key ****'],
      ['server answered 401 Unauthorized: body is not JSON (text/plain, 58 bytes)', 'bad key ****'],
    ]);
    for (const error of errors) expect(everyFormOf(error).replace(/\\(u[0-9a-fA-F]{4}|\/)/g, (escape: string) => (escape === '\\/' ? '/' : String.fromCharCode(parseInt(escape.slice(2), 16))))).not.toContain(SLASHED);
    expect(server.received.map((request) => request.headers['x-api-key'])).toEqual([SLASHED, SLASHED, SLASHED]);
  });

  it('holds not a piece of the token where its message shows an answer cut to 200 characters', async () => {
    // An object with no message field: the message is its first 200 characters, which end inside the token.
    server.respond(jsonResponder(401, { code: 401, note: 'n'.repeat(150), key: SLASHED }));
    const oo = createClient({ url: server.url, token: SLASHED, env: EMPTY_ENV });
    const error = (await oo.getUserByEmail({ email: 'a@example.com' }).catch((caught: unknown) => caught)) as HttpError;
    await oo.close();
    expect([error.message, error.serverMessage, error.body]).toEqual([`server answered 401 Unauthorized: {"code":401,"note":"${'n'.repeat(150)}","key":"****"}`, `{"code":401,"note":"${'n'.repeat(150)}","key":"****"}`, { code: 401, note: 'n'.repeat(150), key: '****' }]);
    expect(everyFormOf(error)).not.toContain(SLASHED.slice(0, 10));
  });
});

describe('params that JSON cannot carry (item 13)', () => {
  it('refuses circular params and BigInt values as ValidationErrors naming where they are, and sends nothing', async () => {
    const oo = createClient({ url: server.url, token: TOKEN, env: EMPTY_ENV });
    const loop: Record<string, unknown> = { email: 'a@example.com' };
    loop['admin'] = { self: loop };
    const cases: Array<[string, Record<string, unknown>, { validate?: boolean }, string[]]> = [
      ['someNewMethod', loop, {}, ['"admin.self": refers back to the params that hold it (a circular structure cannot be sent as JSON)']],
      ['createUser', loop, { validate: false }, ['"admin.self": refers back to the params that hold it (a circular structure cannot be sent as JSON)']],
      ['someNewMethod', { n: 10n, list: [1, 2n] }, {}, ['"n": is a BigInt, which JSON cannot carry (give a number, or a string of digits)', '"list.1": is a BigInt, which JSON cannot carry (give a number, or a string of digits)']],
      ['createFirstOrder', { customer: 'ABC', id: 'O1', product: 'oo-lite', licenses: 5n, duration: 'monthly' }, {}, ['"licenses": is a BigInt, which JSON cannot carry (give a number, or a string of digits)']],
    ];
    for (const [method, params, options, problems] of cases) {
      const refused = await oo.call(method, params, options).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).problems).toEqual(problems);
    }
    await oo.close();
    expect(server.received).toEqual([]);
  });

  it('refuses params that are not a JSON object, for any method and without validation too, never quoting them, and sends nothing: the API takes an object only', async () => {
    const oo = createClient({ url: server.url, token: TOKEN, env: EMPTY_ENV });
    for (const params of [PASSWORD, 5, [PASSWORD], null, true]) {
      for (const [method, options] of [['someNewMethod', {}], ['getUserByEmail', {}], ['createUser', { validate: false }]] as const) {
        const refused = await oo.call(method, params as unknown as Record<string, unknown>, options).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(ValidationError);
        expect((refused as ValidationError).problems).toEqual(['params: must be a JSON object (params is always an object)']);
        expect(everyFormOf(refused)).not.toContain(PASSWORD);
      }
    }
    await oo.close();
    expect(server.received).toEqual([]);
  });

  it('sends the same object twice in one params (shared, not circular)', async () => {
    const oo = createClient({ url: server.url, token: TOKEN, env: EMPTY_ENV });
    const shared = { a: 1 };
    expect(await oo.call('someNewMethod', { x: shared, y: shared })).toEqual({ ok: true });
    await oo.close();
    expect(JSON.parse(server.received[0]?.body ?? '{}').params).toEqual({ x: { a: 1 }, y: { a: 1 } });
  });
});

describe('an AbortSignal during a Retry-After wait (item 21)', () => {
  it('ends the wait at once with E_ABORTED, without a second attempt', async () => {
    server.respond(jsonResponder(503, 'busy', { 'retry-after': '120' }));
    const controller = new AbortController();
    // Aborted as soon as the first attempt has let go of the signal: the client is then in its wait.
    const { signal } = controller;
    let live = 0;
    let seen = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      live++;
      seen++;
      add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      live--;
      remove(...args);
      if (seen > 0 && live === 0 && !signal.aborted) setImmediate(() => controller.abort());
    }) as typeof signal.removeEventListener;
    const oo = createClient({ url: server.url, token: TOKEN, env: EMPTY_ENV, retries: 3 });
    const aborted = await oo.getUserByEmail({ email: 'a@example.com' }, { signal }).catch((caught: unknown) => caught);
    await oo.close();
    expect(isOneOfficeError(aborted) && [aborted.code, aborted.message]).toEqual(['E_ABORTED', 'the call was aborted']);
    expect(server.received).toHaveLength(1);
  });
});

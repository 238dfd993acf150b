// The library client as a program uses it: imported from the built package ('oneoffice'), against
// the local server and a recording server on 127.0.0.1, asserting what was sent and what it threw.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, HttpError, isOneOfficeError, startMockServer, ValidationError, type MockServer } from 'oneoffice';
import { inTurn, jsonResponder, startRecordingServer, type RecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

let mock: MockServer;
let server: RecordingServer;
beforeAll(async () => {
  mock = await startMockServer({ token: 'client-test-token-0123456789' });
  server = await startRecordingServer();
});
afterAll(async () => {
  await mock.close();
  await server.close();
});

const EMPTY_ENV = { HOME: '/nonexistent' };

describe('createClient with a profile', () => {
  it('a profile that is not in the config file is an error naming the closest one, not an empty profile', () => {
    const dir = tempDir('client-profile');
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ profiles: { staging: { url: server.url, bearer: 'client-test-token-0123456789' } } }));
    try {
      expect(() => createClient({ configFile, profile: 'stagign', env: EMPTY_ENV })).toThrow(
        expect.objectContaining({ code: 'E_UNKNOWN_PROFILE', message: `the profile option: unknown profile "stagign" (did you mean "staging"?); profiles in ${configFile}: staging` }),
      );
      expect(createClient({ configFile, profile: 'staging', env: EMPTY_ENV }).url.href).toBe(server.url);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createClient against the local server', () => {
  it('creates, disables and reads back a user with the typed methods', async () => {
    const oo = createClient({ url: mock.url, token: mock.token, env: EMPTY_ENV });
    try {
      const user = await oo.createUser({ email: 'lib1@example.com', displayName: 'Lib One' });
      expect(user).toMatchObject({ email: 'lib1@example.com', displayName: 'Lib One', isActive: true });
      expect(await oo.updateUserByEmail({ email: 'lib1@example.com', isActive: false })).toBe(true);
      const read = await oo.getUserByEmail({ email: 'lib1@example.com' });
      expect(read.isActive).toBe(false);
    } finally {
      await oo.close();
    }
  });

  it('throws HttpError with the status, headers, body and the server message for a 4xx', async () => {
    const oo = createClient({ url: mock.url, token: mock.token, env: EMPTY_ENV });
    try {
      await oo.createUser({ email: 'dup@example.com' });
      const error = await oo.createUser({ email: 'dup@example.com' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HttpError);
      const http = error as HttpError;
      expect([http.status, http.code, http.exitCode]).toEqual([400, 'E_HTTP_4XX', 4]);
      expect(http.serverMessage).toBe('duplicate key value violates unique constraint "users_email"');
      expect(http.body).toBe('duplicate key value violates unique constraint "users_email"');
      expect(http.headers['content-type']).toMatch(/^application\/json/);
    } finally {
      await oo.close();
    }
  });

  it('refuses invalid params with every problem at once, a secret masked, and sends nothing', async () => {
    server.received.length = 0;
    const oo = createClient({ url: server.url, token: 'secret-token-abcdef123456', env: EMPTY_ENV });
    const params = { email: 'not-an-email', password: 987654321, displayNme: 'x' } as unknown as { email: string };
    const error = await oo.createUser(params).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      'unknown parameter "displayNme" (did you mean "displayName"?)',
      '"email": must be an e-mail address (got "not-an-email")',
      '"password": must be a string (got "****")',
    ]);
    expect(String((error as Error).message)).not.toContain('987654321');
    expect(server.received).toHaveLength(0);
    await oo.close();
  });

  it('sends a method without a schema unvalidated through call()', async () => {
    server.received.length = 0;
    server.respond(jsonResponder(200, { listed: 2 }));
    const oo = createClient({ url: server.url, token: 'secret-token-abcdef123456', env: EMPTY_ENV });
    expect(await oo.call('newMethod', { any: 'params' })).toEqual({ listed: 2 });
    expect(JSON.parse(server.received[0]?.body ?? '')).toEqual({ method: 'newMethod', params: { any: 'params' } });
    expect(server.received[0]?.headers['x-api-key']).toBe('secret-token-abcdef123456');
    await oo.close();
  });

  it('validates a method from a user schema directory through call()', async () => {
    const dir = tempDir('client');
    try {
      writeFileSync(join(dir, 'listOrders.json'), JSON.stringify({ type: 'object', additionalProperties: false, required: ['customer'], properties: { customer: { type: 'string' } } }));
      const oo = createClient({ url: server.url, token: 'secret-token-abcdef123456', env: EMPTY_ENV, schemas: dir });
      const error = await oo.call('listOrders', { custmer: 'ABC' }).catch((caught: unknown) => caught);
      expect((error as ValidationError).problems).toEqual(['missing required "customer"', 'unknown parameter "custmer" (did you mean "customer"?)']);
      await oo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resolves the URL and token from the environment, as the CLI does', async () => {
    const oo = createClient({ env: { ...EMPTY_ENV, ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token } });
    expect(oo.url.href).toBe(mock.url);
    expect(await oo.createUser({ email: 'env@example.com' })).toMatchObject({ email: 'env@example.com' });
    await oo.close();
  });

  it('says where it looked when there is no URL, with a stable code', () => {
    let caught: unknown;
    try {
      createClient({ env: EMPTY_ENV, configFile: '/nonexistent/config.json' });
    } catch (error) {
      caught = error;
    }
    expect(isOneOfficeError(caught) && [caught.code, caught.exitCode]).toEqual(['E_NO_URL', 3]);
  });
});

describe('retries, timeouts and aborts', () => {
  it('retries a read after a 503 but never a create after a 500', async () => {
    const oo = createClient({ url: server.url, token: 'secret-token-abcdef123456', env: EMPTY_ENV, retryDelayMs: 10 });
    server.received.length = 0;
    server.respond(inTurn(jsonResponder(503, 'busy'), jsonResponder(200, { email: 'r@example.com' })));
    expect(await oo.getUserByEmail({ email: 'r@example.com' })).toEqual({ email: 'r@example.com' });
    expect(server.received).toHaveLength(2);

    server.received.length = 0;
    server.respond(jsonResponder(500, 'boom'));
    const error = await oo.createUser({ email: 'c@example.com' }).catch((caught: unknown) => caught);
    expect([(error as HttpError).status, (error as HttpError).serverMessage]).toEqual([500, 'boom']);
    expect(server.received).toHaveLength(1);
    await oo.close();
  });

  it('ends a call that gets no answer within maxTimeMs with E_MAX_TIME, and an aborted one with E_ABORTED', async () => {
    const oo = createClient({ url: server.url, token: 'secret-token-abcdef123456', env: EMPTY_ENV, maxTimeMs: 200 });
    server.respond(() => undefined);
    const timedOut = await oo.createUser({ email: 't@example.com' }).catch((caught: unknown) => caught);
    expect(isOneOfficeError(timedOut) && [timedOut.code, timedOut.exitCode]).toEqual(['E_MAX_TIME', 7]);

    await oo.close();

    // Aborted once the server has the call, by a client with no time limit of its own: a timer of
    // 20 ms against maxTimeMs' 200 ms could lose the race where the process was held up between
    // starting the call and setting the timer, and the call then ended as E_MAX_TIME.
    const patient = createClient({ url: server.url, token: 'secret-token-abcdef123456', env: EMPTY_ENV });
    const controller = new AbortController();
    server.respond(() => controller.abort());
    const aborted = await patient.createUser({ email: 'a@example.com' }, { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(isOneOfficeError(aborted) && aborted.code).toBe('E_ABORTED');
    expect(String((aborted as Error).message)).not.toContain('secret-token');
    await patient.close();
    server.respond(jsonResponder(200, { ok: true }));
  });
});

describe('the documented responses', () => {
  it("every method's answer from the local server matches its schema's x-response (the client's result types come from the same)", async () => {
    const { Ajv } = await import('ajv');
    const addFormats = (await import('ajv-formats')).default as unknown as (ajv: InstanceType<typeof Ajv>) => void;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const { builtinSchemas, builtinResponses } = await import('oneoffice');
    const oo = createClient({ url: mock.url, token: mock.token, env: EMPTY_ENV });
    const answers: Record<string, unknown> = {
      createCustomer: await oo.createCustomer({ id: 'RESP', name: 'Resp Co', admin: { email: 'resp@example.com' } }),
      createFirstOrder: await oo.createFirstOrder({ customer: 'RESP', id: 'RESP-1', product: 'oo-std', licenses: 5, duration: 'yearly' }),
      createRenewalOrder: await oo.createRenewalOrder({ parent: 'RESP-1', id: 'RESP-2' }),
      createUser: await oo.createUser({ email: 'resp@example.com', password: 'onemoretime' }),
      updateUserByEmail: await oo.updateUserByEmail({ email: 'resp@example.com', isActive: true }),
      resetPasswordByEmail: await oo.resetPasswordByEmail({ email: 'resp@example.com', password: 'another1' }),
      getUserByEmail: await oo.getUserByEmail({ email: 'resp@example.com' }),
    };
    await oo.close();
    expect(Object.keys(answers).sort()).toEqual(Object.keys(builtinSchemas).sort());
    for (const [method, answer] of Object.entries(answers)) {
      const validate = ajv.compile(builtinResponses[method] as object);
      expect({ method, valid: validate(answer), errors: validate.errors ?? null }).toEqual({ method, valid: true, errors: null });
    }
    expect(JSON.stringify(answers)).not.toContain('onemoretime');
  });
});

describe('client certificates', () => {
  it('presents cert and key to a server that requires them; an encrypted key needs its passphrase, checked before sending', async () => {
    const { makeCa, makeSignedCertificate, startMutualTlsServer } = await import('../helpers/tls.js');
    const ca = makeCa();
    const tls = await startMutualTlsServer(ca, makeSignedCertificate(ca, '127.0.0.1'));
    const plain = makeSignedCertificate(ca, 'library-client', { client: true });
    const locked = makeSignedCertificate(ca, 'locked-client', { client: true, passphrase: 'open-sesame-42' });
    const common = { url: tls.url, token: 'client-test-token-0123456789', env: EMPTY_ENV, cacert: ca.certPath };
    try {
      const oo = createClient({ ...common, cert: plain.certPath, key: plain.keyPath });
      expect(await oo.call('anything')).toEqual({ client: 'library-client' });
      await oo.close();
      // Without it, the server refuses the handshake.
      const without = createClient(common);
      await expect(without.call('anything')).rejects.toMatchObject({ code: expect.stringMatching(/^E_/), exitCode: 6 });
      await without.close();

      expect(() => createClient({ ...common, cert: locked.certPath, key: locked.keyPath })).toThrow(
        expect.objectContaining({ code: 'E_KEY_PASSPHRASE', message: `key ${locked.keyPath} is encrypted: give its passphrase (the passphrase option, or pass-env in the config profile)` }),
      );
      const wrong = createClient({ ...common, cert: locked.certPath, key: locked.keyPath, passphrase: 'not-the-one' });
      const refused = await wrong.call('anything').catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'E_KEY_PASSPHRASE', setting: 'passphrase', message: `passphrase: wrong passphrase for ${locked.keyPath}` });
      expect(String((refused as Error).message)).not.toContain('not-the-one');
      await wrong.close();
      const unlocked = createClient({ ...common, cert: locked.certPath, key: locked.keyPath, passphrase: 'open-sesame-42' });
      expect(await unlocked.call('anything')).toEqual({ client: 'locked-client' });
      await unlocked.close();
    } finally {
      tls.close();
    }
  });
});

describe('what no params may hold', () => {
  it('refuses names that reach a prototype and integers beyond 2^53 for any method, validated or not, before sending', async () => {
    server.received.length = 0;
    const oo = createClient({ url: server.url, token: 'client-test-token-0123456789', env: EMPTY_ENV });
    const cases: Array<[string, Record<string, unknown>, { validate?: boolean }, string[]]> = [
      ['someNewMethod', JSON.parse('{"a": {"__proto__": {"polluted": true}}}'), {}, ['"a.__proto__": "__proto__" is not allowed as a parameter name']],
      ['someNewMethod', { constructor: 1, n: 2 ** 53 + 2 }, {}, ['"constructor": "constructor" is not allowed as a parameter name', `"n": must be a whole number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER} (2^53 - 1): larger ones are not sent exactly`]],
      ['createUser', { email: 'a@example.com', prototype: {} }, { validate: false }, ['"prototype": "prototype" is not allowed as a parameter name']],
    ];
    for (const [method, params, options, problems] of cases) {
      const refused = await oo.call(method, params, options).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).problems).toEqual(problems);
    }
    expect(server.received).toEqual([]);
    await oo.close();
  });
});

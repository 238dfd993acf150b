// The mock's server on the wire, started in this process (the server `oneoffice mock` runs): what the
// CLI never sends (other HTTP methods, broken bodies, a missing or wrong token), concurrent calls and
// keep-alive bursts. The command's own switches are test/e2e/mock-http.test.ts.
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiCall, rawCall } from '../helpers/mock-process.js';
import { useMock } from '../helpers/mock-server.js';
import { MAX_PARAMS_BYTES } from '../../src/api/params.js';

const TOKEN = 'mock-http-test-token';
const DUPLICATE = 'duplicate key value violates unique constraint "users_email"';

describe('the wire protocol', () => {
  const mock = useMock({ token: TOKEN });
  const authorized = { 'x-api-key': TOKEN };

  const expectError = (response: { status: number; headers: Record<string, unknown>; body: string }, status: number, message: string) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toBe(JSON.stringify(message));
  };

  it('a missing token: 401', async () => {
    expectError(await rawCall(mock.url, { body: '{"method":"getUserByEmail","params":{"email":"a@b.cd"}}' }), 401, 'missing x-api-key header: send your API token in it');
  });

  it('a wrong token: 401, also one that only differs in length', async () => {
    for (const key of ['wrong', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      expectError(await rawCall(mock.url, { headers: { 'x-api-key': key }, body: '{}' }), 401, 'invalid API key');
    }
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('HTTP %s: 405 with Allow: GET', async (method) => {
    const response = await rawCall(mock.url, { method, headers: authorized, body: JSON.stringify({ method: 'createUser', params: { email: 'post@b.cd' } }) });
    expectError(response, 405, `HTTP method ${method} not allowed: the API takes GET with a JSON body`);
    expect(response.headers['allow']).toBe('GET');
    // Nothing was created.
    expect((await apiCall(mock, 'getUserByEmail', { email: 'post@b.cd' })).status).toBe(400);
  });

  it('a body that is not JSON: 400 naming the position, never quoting the body', async () => {
    const trailingComma = await rawCall(mock.url, { headers: authorized, body: '{"method":"createUser","params":{"password":"s3cret-value",}}' });
    expectError(trailingComma, 400, 'body is not valid JSON (at position 59)');
    // JSON.parse's own message would quote this one.
    expectError(await rawCall(mock.url, { headers: authorized, body: 's3cret-value' }), 400, 'body is not valid JSON (at position 0)');
  });

  it.each([
    ['', 'empty body: send JSON {"method": "...", "params": {...}}'],
    ['[1,2]', 'body must be a JSON object {"method": "...", "params": {...}} (got an array)'],
    ['{"params":{}}', 'missing "method"'],
    ['{"method":7,"params":{}}', '"method" must be a string (got a number)'],
    ['{"method":"createUser"}', 'missing "params": it must be a JSON object'],
    ['{"method":"createUser","params":"email=a@b.cd"}', '"params" must be a JSON object (got a string)'],
    ['{"method":"createUser","params":[]}', '"params" must be a JSON object (got an array)'],
    ['{"method":"deleteEverything","params":{}}', 'unknown method "deleteEverything"'],
    ['{"method":"createUser","params":{}}', 'missing required "email"'],
    ['{"method":"createFirstOrder","params":{"customer":"A","id":"1","product":"oo-max","licenses":0,"duration":"weekly"}}',
      '"product": must be one of oo-lite, oo-std, oo-ent, erp-std, erp-admin, erp-lim (got "oo-max"); "licenses": must be >= 1 (got 0); "duration": must be one of monthly, yearly (got "weekly")'],
  ])('body %s: 400', async (body, message) => {
    expectError(await rawCall(mock.url, { headers: authorized, body }), 400, message);
  });

  it('anything else in the body is ignored, and any path serves the API', async () => {
    const body = JSON.stringify({ method: 'createUser', params: { email: 'extra@b.cd' }, id: 42, jsonrpc: '2.0' });
    const response = await rawCall(mock.url, { path: '/api/external/partner-xyz?x=1', headers: authorized, body });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toMatchObject({ email: 'extra@b.cd', isActive: true });
  });

  it('a whole number beyond 2^53 - 1 is refused as the client refuses it, never stored changed (9007199254740993 read as ...992)', async () => {
    const body = '{"method":"createUser","params":{"email":"huge@b.cd","instance":9007199254740993,"displayName":"Huge"}}';
    expectError(await rawCall(mock.url, { headers: authorized, body }), 400, '"instance": must be a whole number between -9007199254740991 and 9007199254740991 (2^53 - 1): larger ones are not sent exactly');
    expect((await apiCall(mock, 'getUserByEmail', { email: 'huge@b.cd' })).status).toBe(400);
  });

  /** What the server writes back to `request`, sent as it is on a connection of its own, up to its close. */
  const rawExchange = (request: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(mock.url);
      const socket = connect(Number(port), hostname, () => socket.write(request));
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  const jsonError = (status: string, message: string) => {
    const body = JSON.stringify(message);
    return `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
  };

  it('a request HTTP cannot read is answered as every error is, a JSON string, and never quoted', async () => {
    expect(await rawExchange('GET / HTTP/1.1\r\nhost: x\r\nx-api-key s3cret-token\r\n\r\n')).toBe(jsonError('400 Bad Request', 'malformed HTTP request'));
    expect(await rawExchange('GET / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n{}')).toBe(jsonError('400 Bad Request', 'malformed HTTP request'));
  });

  it('request headers over the size limit: 431 with a JSON string body', async () => {
    const answer = await rawExchange(`GET / HTTP/1.1\r\nhost: x\r\nx-api-key: ${TOKEN}\r\nx-padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toBe(jsonError('431 Request Header Fields Too Large', 'request headers too large'));
  });

  it('params of 1 MiB, the most every client lets through, are taken in their envelope; a larger body is a 413', async () => {
    const paramsOfSize = (bytes: number, email: string) => {
      const base = JSON.stringify({ email, displayName: '' });
      return JSON.parse(`${base.slice(0, -2)}${'x'.repeat(bytes - base.length)}"}`) as Record<string, unknown>;
    };
    const params = paramsOfSize(MAX_PARAMS_BYTES, 'mebibyte@b.cd');
    expect(Buffer.byteLength(JSON.stringify(params))).toBe(MAX_PARAMS_BYTES);
    const taken = await apiCall(mock, 'createUser', params);
    expect(taken.status).toBe(200);
    expect(JSON.parse(taken.body)).toMatchObject({ email: 'mebibyte@b.cd' });
    const over = await apiCall(mock, 'createUser', paramsOfSize(MAX_PARAMS_BYTES + 64 * 1024, 'over@b.cd'));
    expectError(over, 413, 'body larger than 1 MiB of params in {"method": "...", "params": {...}}');
  });

  it('concurrent creates of the same e-mail yield exactly one user', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const responses = await Promise.all(Array.from({ length: 50 }, () => apiCall(mock, 'createUser', { email: 'race@b.cd' }, agent)));
    agent.destroy();
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = responses.filter((r) => r.status === 400);
    expect(refused).toHaveLength(49);
    for (const response of refused) expect(response.body).toBe(JSON.stringify(DUPLICATE));
  });

  it('concurrent first orders with the same id yield exactly one order', async () => {
    await apiCall(mock, 'createCustomer', { id: 'RACE', name: 'Race Inc', admin: { email: 'boss@race.cd' } });
    const order = { customer: 'RACE', id: 'RACE-1', product: 'oo-std', licenses: 3, duration: 'yearly' };
    const responses = await Promise.all(Array.from({ length: 30 }, () => apiCall(mock, 'createFirstOrder', order)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.body === JSON.stringify('order "RACE-1" already exists'))).toHaveLength(29);
  });

  it('a burst over keep-alive connections loses and duplicates nothing', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const count = 1000;
    const responses = await Promise.all(Array.from({ length: count }, (_, i) => apiCall(mock, 'createUser', { email: `burst${i}@b.cd` }, agent)));
    agent.destroy();
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const ids = responses.map((r) => JSON.parse(r.body).id as number);
    expect(new Set(ids).size).toBe(count);
    const found = await Promise.all([0, 499, 999].map((i) => apiCall(mock, 'getUserByEmail', { email: `burst${i}@b.cd` })));
    expect(found.map((r) => JSON.parse(r.body).id)).toEqual([ids[0], ids[499], ids[999]]);
  });
});

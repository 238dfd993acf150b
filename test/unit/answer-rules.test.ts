// The one answer classifier (api/answer.ts) and the one parameter check (api/check.ts) at their
// edges: an empty 2xx is a success (null), a 3xx is a redirect and never a 4xx, a body too large to
// keep is judged by its streamed check, and a secret param is quoted as "****" whatever it holds.
// Written against the mutants that survived every other test.
import { describe, expect, it } from 'vitest';
import { classifyAnswer, type AnswerBody, type AnswerHead } from '../../src/api/answer.js';
import { ParamsChecker } from '../../src/api/check.js';
import { createRegistry } from '../../src/api/schema/registry.js';
import { builtinSchemas } from '../../src/generated/builtin.js';

const head = (status: number, headers: AnswerHead['headers'] = { 'content-type': 'application/json' }, statusText = 'Status'): AnswerHead => ({ status, statusText, headers });
const whole = (text: string): AnswerBody => ({ text, bytes: Buffer.byteLength(text), complete: true });

describe('2xx answers', () => {
  it('an empty body is a success whose value is null, and not JSON', () => {
    expect(classifyAnswer(head(200), whole(''))).toEqual({ kind: 'ok', status: 200, value: null, unchecked: false, json: false });
    expect(classifyAnswer(head(204), whole(''))).toEqual({ kind: 'ok', status: 204, value: null, unchecked: false, json: false });
  });

  it('JSON is a success with its value; false, 0 and "" are values too', () => {
    expect(classifyAnswer(head(200), whole('{"a":1}'))).toEqual({ kind: 'ok', status: 200, value: { a: 1 }, unchecked: false, json: true });
    for (const [text, value] of [['true', true], ['false', false], ['0', 0], ['""', ''], ['null', null]] as const) {
      expect(classifyAnswer(head(201), whole(text))).toEqual({ kind: 'ok', status: 201, value, unchecked: false, json: true });
    }
  });

  it('a body that is not JSON fails with exit 1, naming its type and size, and keeps the text', () => {
    expect(classifyAnswer(head(200, { 'content-type': 'text/html' }, 'OK'), whole('<html>'))).toEqual({
      kind: 'failed', status: 200, code: 'E_NOT_JSON', exitCode: 1, json: false, body: '<html>',
      message: 'server answered 200 OK but the body is not JSON (text/html, 6 bytes)',
    });
    expect(classifyAnswer(head(299, {}, 'X'), whole('x'))).toMatchObject({ code: 'E_NOT_JSON', message: 'server answered 299 X but the body is not JSON (no content-type, 1 bytes)' });
  });

  it('a body too large to keep is judged by the check made while it streamed', () => {
    const big = (streamedJson: boolean | undefined): AnswerBody => ({ text: '{"a":', bytes: 5_000_000, complete: false, ...(streamedJson === undefined ? {} : { streamedJson }) });
    expect(classifyAnswer(head(200), big(true))).toEqual({ kind: 'ok', status: 200, value: undefined, unchecked: false, json: true });
    expect(classifyAnswer(head(200), big(undefined))).toEqual({ kind: 'ok', status: 200, value: undefined, unchecked: true, json: false });
    expect(classifyAnswer(head(200, {}, 'OK'), big(false))).toEqual({ kind: 'failed', status: 200, code: 'E_NOT_JSON', exitCode: 1, json: false, message: 'server answered 200 OK but the body is not JSON (application/json, 5000000 bytes)'.replace('application/json', 'no content-type') });
  });
});

describe('3xx answers are redirects, not client errors', () => {
  it('300 to 399: E_HTTP_REDIRECT, exit 1, naming the Location', () => {
    for (const status of [300, 301, 302, 307, 308, 399]) {
      expect(classifyAnswer(head(status, { location: 'https://elsewhere.example/api' }, 'Moved'), whole(''))).toEqual({
        kind: 'failed', status, code: 'E_HTTP_REDIRECT', exitCode: 1, json: false,
        message: `server answered ${status} Moved (Location: https://elsewhere.example/api); check the URL`,
      });
    }
    expect(classifyAnswer(head(302, {}, 'Found'), whole('"moved"'))).toEqual({ kind: 'failed', status: 302, code: 'E_HTTP_REDIRECT', exitCode: 1, json: true, body: 'moved', message: 'server answered 302 Found; check the URL' });
  });

  it('400 is the first client error, 500 the first server error', () => {
    expect(classifyAnswer(head(400, {}, 'Bad Request'), whole('"no such user"'))).toMatchObject({ kind: 'failed', code: 'E_HTTP_4XX', exitCode: 4, serverMessage: 'no such user', detail: 'no such user', body: 'no such user', json: true });
    expect(classifyAnswer(head(499, {}, 'X'), whole(''))).toMatchObject({ code: 'E_HTTP_4XX', exitCode: 4, json: false });
    expect(classifyAnswer(head(500, {}, 'Oops'), whole('<b>down</b>'))).toMatchObject({ code: 'E_HTTP_5XX', exitCode: 5, detail: 'body is not JSON (no content-type, 11 bytes)', body: '<b>down</b>', json: false });
    expect(classifyAnswer(head(500, {}, 'Oops'), whole(''))).not.toHaveProperty('detail');
  });
});

describe('the parameter check quotes no secret', () => {
  it('a secret param of the wrong type or form is shown as "****", whatever it holds', async () => {
    const checker = new ParamsChecker(createRegistry(builtinSchemas));
    const check = await checker.load('resetPasswordByEmail');
    const problems = check?.({ email: 'a@b.co', password: 123456789 }) ?? [];
    expect(problems).toEqual(['"password": must be a string (got "****")']);
  });
});

describe('the parameter check', () => {
  it('reports every problem; a missing field already reported as malformed is not reported twice', async () => {
    const checker = new ParamsChecker(createRegistry(builtinSchemas));
    const check = await checker.load('createCustomer');
    expect(check?.({ id: 'ABC' })).toEqual(['missing required "name"', 'missing required "admin"']);
    expect(check?.({ id: 'ABC' }, undefined, new Set(['admin']))).toEqual(['missing required "name"']);
    expect(check?.({ id: 'ABC', name: 'N', admin: { email: 'a@b.co' } })).toEqual([]);
  });

  it('loads a method once and keeps it; an unknown method has no check', async () => {
    const checker = new ParamsChecker(createRegistry(builtinSchemas));
    expect(checker.get('createUser')).toBeUndefined();
    const first = await checker.load('createUser');
    expect(first).toBeTypeOf('function');
    expect(await checker.load('createUser')).toBe(first);
    expect(checker.get('createUser')).toBe(first);
    expect(await checker.load('noSuchMethod')).toBeUndefined();
    expect(checker.get('noSuchMethod')).toBeUndefined();
  });
});

describe("the server's message, made from a body masked first", () => {
  it('with a mask, a message cut to 200 characters holds no piece of a secret, and the body is kept as it came', () => {
    const secret = 'cut-here-0123456789-secret';
    const text = JSON.stringify({ code: 401, note: 'n'.repeat(150), key: secret });
    const mask = (value: string) => value.replaceAll(secret, '****');
    const message = `{"code":401,"note":"${'n'.repeat(150)}","key":"****"}`;
    expect(classifyAnswer(head(401, {}, 'Unauthorized'), whole(text), mask)).toEqual({
      kind: 'failed', status: 401, code: 'E_HTTP_4XX', exitCode: 4, json: true, body: JSON.parse(text),
      message: `server answered 401 Unauthorized: ${message}`, serverMessage: message, detail: message,
    });
    // Without one, the cut leaves the secret's first characters.
    expect(classifyAnswer(head(401, {}, 'Unauthorized'), whole(text))).toMatchObject({ serverMessage: `${JSON.stringify({ code: 401, note: 'n'.repeat(150), key: secret }).slice(0, 200)}` });
  });
});

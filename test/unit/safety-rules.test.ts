// The core's safety rules on their own (api/mask.ts, api/param-safety.ts): how a secret is shown,
// where it is found (at a path, in URLs, in every form it takes in text, in any string of an
// answer), and what no params may hold (names that reach a prototype, integers beyond 2^53, cycles,
// BigInt). Each rule had only one end-to-end test, or none; these pin every branch.
import { describe, expect, it } from 'vitest';
import { JsonTextMask, maskPaths, maskSecret, maskStrings, maskUrlPassword, MIN_SECRET_CHARS, secretForms, secretValuesAt } from '../../src/api/mask.js';
import { BIGINT_PROBLEM, CIRCULAR_PROBLEM, describeUnsafe, forbiddenKeyIn, forbiddenKeyProblem, isUnsafeInteger, UNSAFE_INTEGER_PROBLEM, unsafeValues, unsendableValues } from '../../src/api/param-safety.js';

describe('how a secret is shown', () => {
  it('short secrets are all stars; from 16 characters on, the last four follow', () => {
    expect(maskSecret('')).toBe('****');
    expect(maskSecret('0123456789abcde')).toBe('****');
    expect(maskSecret('0123456789abcdef')).toBe('****…cdef');
    expect(maskSecret('tok-0123456789abcdefWXYZ')).toBe('****…WXYZ');
  });
});

describe('maskPaths', () => {
  it('masks strings at the paths (nested too), replaces other values whole, and leaves the input alone', () => {
    const params = { email: 'a@b.co', password: 'hunter2-hunter2-hunter2', admin: { pin: 1234, name: 'A' } };
    const masked = maskPaths(params, [['password'], ['admin', 'pin']]);
    expect(masked).toEqual({ email: 'a@b.co', password: '****…ter2', admin: { pin: '****', name: 'A' } });
    expect(params.password).toBe('hunter2-hunter2-hunter2');
    expect(params.admin.pin).toBe(1234);
  });

  it('skips paths that are absent or run through a non-object, and returns the same object without paths', () => {
    const params = { email: 'a@b.co', admin: 'x' };
    expect(maskPaths(params, [])).toBe(params);
    expect(maskPaths(params, [['password'], ['admin', 'pin'], ['nothing', 'here']])).toEqual(params);
    expect(maskPaths({ password: 'abc' }, [['password']], () => 'MASKED')).toEqual({ password: 'MASKED' });
  });
});

describe('maskUrlPassword', () => {
  it('masks the password of a URL, a bare proxy and text that is no URL; keeps the rest', () => {
    expect(maskUrlPassword('https://alice:pw@host.example:8443/api?x=1#y')).toBe('https://alice:****@host.example:8443/api?x=1#y');
    expect(maskUrlPassword('alice:s3cret@proxy:3128')).toBe('alice:****@proxy:3128');
    expect(maskUrlPassword('http://al:ice:p@ss@host/')).toBe('http://al:****@host/');
    expect(maskUrlPassword('http//user:pass@host')).toBe('http//user:****@host');
  });

  it('leaves URLs without a password as they are', () => {
    for (const text of ['https://host.example/api', 'https://alice@host/', 'https://host/a:b@c', 'http://host:8080/', 'host:8080']) expect(maskUrlPassword(text), text).toBe(text);
  });
});

describe('the forms of a secret in text', () => {
  it('under four characters nothing is searched for; a plain secret has one form; one with " or \\ also its JSON-escaped form', () => {
    expect(MIN_SECRET_CHARS).toBe(4);
    expect(secretForms('abc')).toEqual([]);
    expect(secretForms('abcd')).toEqual(['abcd']);
    expect(secretForms('Qx"v\\Zj')).toEqual(['Qx"v\\Zj', 'Qx\\"v\\\\Zj']);
  });

  it('JsonTextMask replaces every occurrence of every form, and nothing else', () => {
    const mask = new JsonTextMask(secretForms('p"ss'));
    expect(mask.mask('p"ss and "p\\"ss" and p"ss')).toBe('**** and "****" and ****');
    expect(mask.mask('nothing here')).toBe('nothing here');
    expect(new JsonTextMask([]).mask('abcabc')).toBe('abcabc');
  });
});

describe('maskStrings', () => {
  const mask = (text: string) => text.replaceAll('secret', '****');
  it('masks every string of a parsed answer, keys included, deep in arrays and objects', () => {
    expect(maskStrings({ a: 'my secret', secret: [1, 'secret!', { b: null, c: true }] }, mask)).toEqual({ a: 'my ****', '****': [1, '****!', { b: null, c: true }] });
    expect(maskStrings('secret', mask)).toBe('****');
    expect(maskStrings(7, mask)).toBe(7);
    expect(maskStrings(null, mask)).toBeNull();
  });

  it('returns the very same value when nothing changed, and keeps a "__proto__" key as an own key', () => {
    const clean = { a: ['x', { b: 'y' }] };
    expect(maskStrings(clean, mask)).toBe(clean);
    const list = ['a', 'b'];
    expect(maskStrings(list, mask)).toBe(list);
    const hostile = JSON.parse('{"__proto__": {"x": "secret"}}') as Record<string, unknown>;
    const masked = maskStrings(hostile, mask);
    expect(Object.hasOwn(masked, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"x":"****"}}');
  });
});

describe('secretValuesAt', () => {
  it('finds the string values at the secret paths, own keys only', () => {
    expect(secretValuesAt({ password: 'pw1', admin: { pin: 'p2', n: 3 } }, [['password'], ['admin', 'pin'], ['admin', 'n'], ['missing']])).toEqual(['pw1', 'p2']);
    expect(secretValuesAt(Object.create({ password: 'inherited' }), [['password']])).toEqual([]);
    expect(secretValuesAt(null, [['password']])).toEqual([]);
    expect(secretValuesAt('text', [['length']])).toEqual([]);
  });
});

describe('what no params may hold', () => {
  it('names that reach a prototype, anywhere in a path', () => {
    expect(forbiddenKeyIn(['admin', 'constructor'])).toBe('constructor');
    expect(forbiddenKeyIn(['__proto__'])).toBe('__proto__');
    expect(forbiddenKeyIn(['prototype', 'x'])).toBe('prototype');
    expect(forbiddenKeyIn(['admin', 'email'])).toBeUndefined();
    expect(forbiddenKeyProblem('__proto__')).toBe('"__proto__" is not allowed as a parameter name');
  });

  it('whole numbers beyond 2^53 - 1, either sign; not fractions, infinities or NaN', () => {
    expect(isUnsafeInteger(2 ** 53)).toBe(true);
    expect(isUnsafeInteger(-(2 ** 53))).toBe(true);
    expect(isUnsafeInteger(Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(isUnsafeInteger(-Number.MAX_SAFE_INTEGER)).toBe(false);
    for (const value of [1.5, Infinity, -Infinity, NaN, 0]) expect(isUnsafeInteger(value)).toBe(false);
    expect(UNSAFE_INTEGER_PROBLEM).toBe('must be a whole number between -9007199254740991 and 9007199254740991 (2^53 - 1): larger ones are not sent exactly');
  });

  it('unsafeValues finds every one with its path, in objects and arrays, and nothing in clean params', () => {
    expect(unsafeValues({ email: 'a@b.co', n: 5, list: [1, 'x', { y: null }] })).toEqual([]);
    expect(unsafeValues(2 ** 53)).toEqual([{ path: [], problem: UNSAFE_INTEGER_PROBLEM }]);
    const found = unsafeValues(JSON.parse('{"a": {"constructor": 1}, "b": [1, 9007199254740993], "prototype": 2, "c": {"__proto__": {"x": 9007199254740993}}}'));
    expect(found.map(describeUnsafe)).toEqual([
      `"a.constructor": ${forbiddenKeyProblem('constructor')}`,
      `"b.1": ${UNSAFE_INTEGER_PROBLEM}`,
      `"prototype": ${forbiddenKeyProblem('prototype')}`,
      `"c.__proto__": ${forbiddenKeyProblem('__proto__')}`,
    ]);
    expect(unsafeValues([[2 ** 60]])).toEqual([{ path: ['0', '0'], problem: UNSAFE_INTEGER_PROBLEM }]);
  });

  it('describeUnsafe quotes the path, or gives the problem alone for the value itself', () => {
    expect(describeUnsafe({ path: ['admin', 'id'], problem: 'bad' })).toBe('"admin.id": bad');
    expect(describeUnsafe({ path: [], problem: 'bad' })).toBe('bad');
  });
});

describe('what a program cannot send as JSON', () => {
  it('a cycle, named where it closes, and BigInt values; the same object twice is no cycle', () => {
    const params: Record<string, unknown> = { email: 'a@b.co', list: [] };
    params['self'] = params;
    (params['list'] as unknown[]).push(params, 10n);
    expect(unsendableValues(params)).toEqual([
      { path: ['list', '0'], problem: CIRCULAR_PROBLEM },
      { path: ['list', '1'], problem: BIGINT_PROBLEM },
      { path: ['self'], problem: CIRCULAR_PROBLEM },
    ]);
    const shared = { x: 1 };
    expect(unsendableValues({ a: shared, b: shared, c: [shared, shared] })).toEqual([]);
    expect(unsendableValues(5n)).toEqual([{ path: [], problem: BIGINT_PROBLEM }]);
    expect(unsendableValues(null)).toEqual([]);
  });
});

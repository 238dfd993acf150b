// The pure parts of `oneoffice test` as tables: templates, matchers, the scenario format and
// the JUnit text.
import { describe, expect, it } from 'vitest';
import { checkAnswer, matchFailures } from '../../src/scenario/expect.js';
import { parseScenario } from '../../src/scenario/format.js';
import { compileQuery, formatQueryResult } from '../../src/api/query.js';
import { xml } from '../../src/scenario/report-text.js';
import { fill, referencedNames, type Lookup } from '../../src/scenario/template.js';

const vars: Record<string, unknown> = { id: 42, name: 'Ada', tags: ['a', 'b'] };
const lookup: Lookup = (name) => (name in vars ? { found: true, value: vars[name] } : { found: false });

describe('templates', () => {
  it.each<[string, unknown, unknown]>([
    ['a lone placeholder keeps the JSON type', '{{ id }}', 42],
    ['spaces inside the braces do not matter', '{{id}}', 42],
    ['inside text a number is written as text', 'user-{{ id }}', 'user-42'],
    ['inside text an array is written as JSON', 'tags={{ tags }}', 'tags=["a","b"]'],
    ['an unknown name is left as it is', 'x-{{ nope }}', 'x-{{ nope }}'],
    ['nested values are filled', { a: ['{{ name }}', { b: '{{ id }}' }] }, { a: ['Ada', { b: 42 }] }],
  ])('%s', (_name, input, output) => {
    expect(fill(input, lookup)).toEqual(output);
  });

  it('lists the names a value refers to', () => {
    expect(referencedNames({ a: '{{ x }}-{{ env.HOME }}', b: ['{{ run.id }}'] })).toEqual(['x', 'env.HOME', 'run.id']);
  });
});

describe('matchers', () => {
  it.each<[string, Parameters<typeof matchFailures>[1], unknown, boolean]>([
    ['a number is not equal to the same digits as a string', [{ op: 'equals', arg: 1 }], '1', false],
    ['objects are equal whatever their key order', [{ op: 'equals', arg: { a: 1, b: 2 } }], { b: 2, a: 1 }, true],
    ['matches is a regular expression', [{ op: 'matches', arg: '^smoke-' }], 'smoke-1', true],
    ['matches fails on a value that is not a string', [{ op: 'matches', arg: '1' }], 1, false],
    ['exists: false holds for null (JMESPath finds nothing)', [{ op: 'exists', arg: false }], null, true],
    ['type names JSON types', [{ op: 'type', arg: 'array' }], [], true],
    ['length counts an array', [{ op: 'length', arg: 2 }], [1, 2], true],
    ['all conditions of a matcher must hold', [{ op: 'gt', arg: 1 }, { op: 'lt', arg: 3 }], 3, false],
  ])('%s', (_name, matcher, actual, holds) => {
    expect(matchFailures('x', matcher, actual).length === 0).toBe(holds);
  });

  it('expects any 2xx by default, and reads the server\'s message for expect.error', () => {
    const expect400 = { status: 400, body: [], error: [{ op: 'matches' as const, arg: 'duplicate' }], schema: true };
    expect(checkAnswer(expect400, { status: 400, json: true, body: 'duplicate key', durationMs: 1 }, lookup)).toEqual([]);
    expect(checkAnswer({ body: [], schema: true }, { status: 404, json: true, body: 'no', durationMs: 1 }, lookup)).toEqual([{ expectation: 'expect.status', expected: 'any 2xx', actual: '404' }]);
  });
});

describe('the scenario format', () => {
  it('gives each step its line, and defaults names to the file and the method', () => {
    const read = parseScenario('dir/smoke.yml', 'steps:\n  - call: createUser\n    params: { email: a@b.co }\n\n  - name: again\n    call: createUser\n');
    expect(read.problems).toEqual([]);
    expect(read.scenario?.name).toBe('smoke');
    expect(read.scenario?.steps.map((step) => [step.index, step.line, step.name])).toEqual([[1, 2, 'createUser'], [2, 5, 'again']]);
    expect(read.scenario?.steps[0]?.lineOf(['params', 'email'])).toBe(3);
  });

  it('reports a plain mapping of operators and other keys as an unknown operator', () => {
    const read = parseScenario('s.yml', 'steps:\n  - call: x\n    expect: { body: { a: { gt: 1, foo: 2 } } }\n');
    expect(read.problems).toEqual(['s.yml:3: step 1 (x): expect.body."a": unknown operator "foo" (allowed: equals, matches, exists, type, lt, le, gt, ge, length; to compare with an object, use { equals: ... })']);
  });
});

describe('queries and reports', () => {
  it('prints strings raw and everything else as JSON', () => {
    const query = compileQuery('a');
    expect(query.ok && formatQueryResult(query.run({ a: 'x' }))).toBe('x\n');
    expect(query.ok && formatQueryResult(query.run({}))).toBe('null\n');
  });

  it('escapes XML and shows control characters XML cannot hold', () => {
    expect(xml('<a href="x">&\'\u0001')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\u0001');
  });
});

// Values on their way into and out of a step, as tables: the digits of large integers kept for
// --query, and a step's params filled with the types the schema wants.
import { beforeAll, describe, expect, it } from 'vitest';
import { protectLargeIntegers } from '../../src/api/exact-integers.js';
import type { JsonSchema } from '../../src/api/schema/types.js';
import { compileQuery, prepareQueries, queryAnswerText } from '../../src/api/query.js';
import { fillParams, paramsProblems } from '../../src/scenario/step-params.js';
import type { Lookup } from '../../src/scenario/template.js';

const run = (expression: string) => {
  const compiled = compileQuery(expression);
  if (!compiled.ok) throw new Error(compiled.problem);
  return compiled.run;
};

describe('whole numbers beyond 2^53 in an answer, for --query', () => {
  beforeAll(() => prepareQueries(['[a, b]']));

  it.each<[string, string, string, string]>([
    ['a field alone prints the digits sent', '{"id":9007199254740993}', 'id', '9007199254740993\n'],
    ['negative ones too, inside arrays', '{"a":[-18446744073709551617,2]}', 'a', '[-18446744073709551617,2]\n'],
    ['inside text built by the query', '{"id":12345678901234567890}', "join('-', ['x', to_string(id)])", 'x-12345678901234567890\n'],
    ['safe integers and decimals stay as they are', '{"a":9007199254740991,"b":1234567890123456.5}', '[a, b]', '[9007199254740991,1234567890123456.5]\n'],
    ['digits inside strings are not numbers', '{"s":"9007199254740993 \\" 9007199254740995"}', 's', '9007199254740993 " 9007199254740995\n'],
  ])('%s', (_name, text, expression, printed) => {
    expect(queryAnswerText(run(expression), text)).toBe(printed);
  });

  it('leaves text without such numbers untouched (nothing to restore)', () => {
    expect(protectLargeIntegers('{"id":12,"s":"12345678901234567890"}')).toBeUndefined();
  });
});

describe("a step's params as sent", () => {
  const schema: JsonSchema = { type: 'object', properties: { instance: { type: 'integer' }, active: { type: 'boolean' }, name: { type: 'string' }, tags: { type: 'array', items: { type: 'number' } } } };
  const vars: Record<string, unknown> = { five: '5', yes: 'true', word: 'five', num: 7, big: '9007199254740993', half: '2.5' };
  const lookup: Lookup = (name) => (name in vars ? { found: true, value: vars[name] } : { found: false });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a whole-value template takes the integer the schema wants', { instance: '{{ five }}' }, { instance: 5 }],
    ['and a boolean', { active: '{{ yes }}' }, { active: true }],
    ['inside arrays, by the items schema', { tags: ['{{ half }}'] }, { tags: [2.5] }],
    ['text that does not convert stays text (the schema check reports it)', { instance: '{{ word }}' }, { instance: 'five' }],
    ['a string param keeps the text', { name: '{{ five }}' }, { name: '5' }],
    ['inside longer text nothing is converted', { name: 'n{{ five }}' }, { name: 'n5' }],
    ['a value that is not text is kept as it is', { instance: '{{ num }}' }, { instance: 7 }],
  ])('%s', (_name, raw, sent) => {
    expect(fillParams(raw, lookup, schema)).toEqual({ params: sent, problems: [] });
  });

  it('refuses text that converts to an integer beyond 2^53', () => {
    expect(fillParams({ instance: '{{ big }}' }, lookup, schema).problems).toEqual([
      'params.instance: must be a whole number between -9007199254740991 and 9007199254740991 (2^53 - 1): larger ones are not sent exactly (got 9007199254740993)',
    ]);
  });

  it('keeps a __proto__ key a key, and refuses it before the schema is asked', () => {
    const raw = JSON.parse('{"__proto__": {"instance": 5}}') as Record<string, unknown>;
    const { params } = fillParams(raw, lookup, schema);
    expect(Object.keys(params)).toEqual(['__proto__']);
    expect(paramsProblems(params, () => ['never asked'])).toEqual(['params.__proto__: "__proto__" is not allowed as a parameter name']);
  });
});

// The streamed "is it JSON?" check (src/json-check.ts) must agree with JSON.parse, which decides
// the same question for bodies small enough to keep, on every input and however it is chunked.
import { describe, expect, it } from 'vitest';
import { JsonSyntaxCheck } from '../../src/api/json-check.js';

function streamed(text: string, chunkBytes: number): boolean {
  const check = new JsonSyntaxCheck();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkBytes) check.push(bytes.subarray(i, i + chunkBytes));
  return check.end();
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const SAMPLES = [
  '{}', '[]', '1', '-0', '-01', '01', '1.', '1.5', '1e5', '1E+5', '1e', '-', '"a"', '"\\u00e9"', '"\\u00g9"', '"\\x"', 'true', 'tru',
  'nul', 'null ', '  [1, 2 ,3 ] ', '[1,]', '{"a":1,}', '{"a" 1}', '{"a":[{"b":null}]}', '{"a":1}}', '[[]', '"\t"', '"a\\"b"', ' ', '',
  '[1 2]', '{"a":1 "b":2}', '1 2', '[-]', '[-1.5e-3]', '{"":""}', '[true,false,null]', '[0e0]', '[.5]', '[1.e2]', '"ÿ é 😀"',
  '\uFEFF{}', '{"a":1]', '[1}', '{1:2}', 'truex', '[true false]', '<html></html>',
];

describe('JsonSyntaxCheck', () => {
  it.each(SAMPLES)('%j: as JSON.parse says, in any chunking', (text) => {
    for (const chunk of [1, 2, 3, 1000]) expect(streamed(text, chunk)).toBe(parses(text));
  });

  it('agrees with JSON.parse on 20,000 random texts made of JSON pieces', () => {
    const pieces = ['{', '}', '[', ']', ':', ',', '"', '\\', 'u', '0', '1', 'e', '-', '.', '+', ' ', 't', 'r', 'n', 'a', 'f', 'l', 's', '"a"', 'E', '\n', '9'];
    let seed = 13;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let valid = 0;
    for (let n = 0; n < 20000; n++) {
      let text = '';
      for (let length = 1 + Math.floor(random() * 10); length > 0; length--) text += pieces[Math.floor(random() * pieces.length)];
      expect([text, streamed(text, 3)]).toEqual([text, parses(text)]);
      if (parses(text)) valid++;
    }
    expect(valid).toBeGreaterThan(100);
  });
});

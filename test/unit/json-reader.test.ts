// The one JSON reader (api/json.ts): what it says of a failure is a reason from a fixed list and
// where (offset, line, column), never a character of the input. Positions pinned exactly, with and
// without the byte order mark Windows editors write, and with V8 giving a position or none.
import { describe, expect, it } from 'vitest';
import { readJson } from '../../src/api/json.js';

describe('readJson', () => {
  it('ignores a leading byte order mark, and only a leading one', () => {
    expect(readJson('\ufeff{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(readJson('{"a":"\ufeff"}')).toEqual({ ok: true, value: { a: '\ufeff' } });
    // Positions count from after the mark.
    expect(readJson('\ufeff{"a":}')).toEqual({ ok: false, reason: 'Unexpected character', offset: 5, line: 1, column: 6 });
  });

  it('an early end is placed at the end of the text', () => {
    expect(readJson('{"a":\n[1,')).toEqual({ ok: false, reason: 'Unexpected end of JSON input', offset: 9, line: 2, column: 4 });
    expect(readJson('')).toEqual({ ok: false, reason: 'Unexpected end of JSON input', offset: 0, line: 1, column: 1 });
  });

  it('a known reason with V8\'s position keeps that position, on the right line and column', () => {
    expect(readJson('{\n"a" 2}')).toEqual({ ok: false, reason: "Expected ':' after property name", offset: 6, line: 2, column: 5 });
    expect(readJson('[1 2]')).toEqual({ ok: false, reason: "Expected ',' or ']' after array element", offset: 3, line: 1, column: 4 });
    expect(readJson('[1, 2] x')).toEqual({ ok: false, reason: 'Unexpected non-whitespace character after JSON', offset: 7, line: 1, column: 8 });
  });

  it('an unexpected character (whose message quotes the input) is found by its own search and never quoted', () => {
    const secret = 'hunter2sec';
    const read = readJson(`{"password": ${secret}}`);
    expect(read).toEqual({ ok: false, reason: 'Unexpected character', offset: 13, line: 1, column: 14 });
    expect(JSON.stringify(read)).not.toContain('hunter');
    expect(readJson('tru')).toEqual({ ok: false, reason: 'Unexpected end of JSON input', offset: 3, line: 1, column: 4 });
    expect(readJson('x')).toEqual({ ok: false, reason: 'Unexpected character', offset: 0, line: 1, column: 1 });
    expect(readJson('\n\n  @')).toEqual({ ok: false, reason: 'Unexpected character', offset: 4, line: 3, column: 3 });
  });
});

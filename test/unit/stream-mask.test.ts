// Masking a body as it streams (output/stream-mask.ts): a secret is found whichever chunk boundary
// cuts it, in each of its forms, every time it occurs; text without one passes unchanged.
import { describe, expect, it } from 'vitest';
import { secretForms } from '../../src/api/mask.js';
import { StreamMask } from '../../src/output/stream-mask.js';

function through(forms: readonly string[], chunks: readonly string[]): string {
  const mask = new StreamMask(forms);
  return Buffer.concat([...chunks.map((chunk) => mask.push(Buffer.from(chunk))), mask.end()]).toString('utf8');
}

describe('StreamMask', () => {
  const text = '"password Hunter2-pw is too weak: Hunter2-pw"';
  it('masks every occurrence, wherever the chunks are cut', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      expect(through(['Hunter2-pw'], [text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toBe('"password **** is too weak: ****"');
    }
    expect(through(['Hunter2-pw'], [...text])).toBe('"password **** is too weak: ****"');
  });

  it('masks the JSON-escaped form of a secret holding a quote and a backslash', () => {
    expect(through(secretForms('p"w\\x'), [JSON.stringify('bad: p"w\\x')])).toBe('"bad: ****"');
  });

  it('passes text without a secret, and any text without forms, byte for byte', () => {
    expect(through(['Hunter2-pw'], ['{"a":', '"Hunter2-p"}'])).toBe('{"a":"Hunter2-p"}');
    expect(through([], ['é', '€'])).toBe('é€');
  });
});

// Masking a body as it streams (output/stream-mask.ts): a secret is found whichever chunk boundary
// cuts it, in each of its forms and however JSON escapes its characters, every time it occurs; text
// without one passes unchanged. Batch's records mask text with the same patterns (api/mask.ts
// JsonTextMask): both are held to the same writings.
import { describe, expect, it } from 'vitest';
import { JsonTextMask, secretForms } from '../../src/api/mask.js';
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

  it('masks a secret whose characters the server wrote as JSON escapes (\\u0074, \\/, \\"), in any mix, wherever the chunks are cut', () => {
    const secret = 'tok/"é😀-0123';
    const writings = [
      '\\u0074ok\\/\\"\\u00e9\\ud83d\\ude00-0123',
      'tok\\u002F\\u0022é😀\\u002d0123',
      '\\u0074\\u006f\\u006b\\/\\"\\u00E9\\uD83D\\uDE00\\u002d\\u0030\\u0031\\u0032\\u0033',
    ];
    for (const written of writings) {
      expect(JSON.parse(`"${written}"`)).toBe(secret);
      const body = `{"error":"bad ${written}","again":"${written}"}`;
      const bytes = Buffer.from(body);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const mask = new StreamMask(secretForms(secret));
        const out = Buffer.concat([mask.push(bytes.subarray(0, cut)), mask.push(bytes.subarray(cut)), mask.end()]).toString('utf8');
        expect(out, `${written} cut at ${cut}`).toBe('{"error":"bad ****","again":"****"}');
      }
    }
  });

  it('leaves text that only nearly spells a secret, or escapes meaning other characters, as it was', () => {
    for (const text of ['{"a":"tok\\u0075"}', '{"a":"\\\\u0074ok"}', '{"a":"to\\k"}']) expect(through(secretForms('tokt'), [text])).toBe(text);
  });
});

describe('JsonTextMask (batch records) and StreamMask (stdout) alike', () => {
  const secret = 'pw"\\/\u0001é€😀-x';
  const writings = [
    JSON.stringify(secret).slice(1, -1),
    'pw\\"\\\\\\/\\u0001\\u00e9\\u20AC\\ud83d\\ude00-x',
    '\\u0070w\\u0022\\u005C/\\u0001é€😀\\u002dx',
  ];

  it('mask every writing of a secret holding a quote, a backslash, a control character and non-ASCII, and nothing else', () => {
    for (const written of writings) {
      expect(JSON.parse(`"${written}"`)).toBe(secret);
      const body = `{"error":"bad ${written}"} and as text: ${written}.`;
      const masked = '{"error":"bad ****"} and as text: ****.';
      expect(new JsonTextMask(secretForms(secret)).mask(body), written).toBe(masked);
      expect(through(secretForms(secret), [body]), written).toBe(masked);
    }
    for (const text of ['{"a":"pw\\"\\\\/"}', 'pw"\\/\u0001é€😀-y', '']) {
      expect(new JsonTextMask(secretForms(secret)).mask(text)).toBe(text);
      expect(through(secretForms(secret), [text])).toBe(text);
    }
  });

  it('finds a secret in text with no backslash as it is, and only so', () => {
    const mask = new JsonTextMask(secretForms('Hunter2-pw'));
    expect(mask.finds('{"error":"Hunter2-pw"}')).toBe(true);
    expect(mask.finds('{"error":"Hunter2-p"}')).toBe(false);
    expect(mask.finds('{"error":"Hunter2\\u002dpw"}')).toBe(true);
    expect(new JsonTextMask([]).mask('Hunter2-pw')).toBe('Hunter2-pw');
  });
});

describe('the writings of a secret (api/mask.ts jsonWritings)', () => {
  it('include the percent-encoding a URL writes it in (%2B, %2f, %E2%82%AC: either case, in any mix with the others)', () => {
    const secret = 'a+b/c=d€-xyz';
    for (const written of [encodeURIComponent(secret), encodeURIComponent(secret).toLowerCase().replace('%e2', '%E2'), 'a%2Bb\\/c%3dd\\u20ac-%78yz']) {
      const body = `{"location":"https://x.example/?k=${written}"} ${written}`;
      expect(new JsonTextMask(secretForms(secret)).mask(body), written).toBe('{"location":"https://x.example/?k=****"} ****');
      expect(through(secretForms(secret), [body.slice(0, 30), body.slice(30)]), written).toBe('{"location":"https://x.example/?k=****"} ****');
    }
    // Held back as long as its longest writing, here %E2%82%AC for €: found wherever the chunks are cut.
    const body = `k=${encodeURIComponent('€€€€')}&`;
    for (let cut = 0; cut <= body.length; cut++) expect(through(secretForms('€€€€'), [body.slice(0, cut), body.slice(cut)]), `cut at ${cut}`).toBe('k=****&');
    // A percent sign that escapes something else, or a lone one, is left as it is.
    for (const text of ['a%2Cb/c=d€-xyz', '100% a+b/c=d€-xy']) {
      expect(new JsonTextMask(secretForms(secret)).mask(text)).toBe(text);
      expect(through(secretForms(secret), [text])).toBe(text);
    }
  });

  it('include the short escapes JSON has for a quote, a backslash and each control character, from the secret alone', () => {
    for (const secret of ['q"uote-x', 'back\\slash', 'b\bf\fn\nr\rt\t-x']) {
      const written = `{"echo":${JSON.stringify(secret)}}`;
      expect(written).not.toContain(secret);
      expect(new JsonTextMask([secret]).mask(written), secret).toBe('{"echo":"****"}');
      expect(through([secret], [written]), secret).toBe('{"echo":"****"}');
    }
  });

  it('pass on at once what no secret can still begin, holding back only as much as the longest writing', () => {
    const mask = new StreamMask(['ab12', 'longer-secret-xyz']);
    const text = `${'x'.repeat(200)}`;
    expect(mask.push(Buffer.from(text)).toString()).toBe('x'.repeat(200 - (6 * 'longer-secret-xyz'.length - 1)));
    const body = Buffer.from(`a "${'\\u006c\\u006f\\u006e\\u0067\\u0065\\u0072'}-secret-xyz" b`);
    for (let cut = 0; cut <= body.length; cut++) {
      const each = new StreamMask(['ab12', 'longer-secret-xyz']);
      expect(Buffer.concat([each.push(body.subarray(0, cut)), each.push(body.subarray(cut)), each.end()]).toString(), `cut at ${cut}`).toBe('a "****" b');
    }
  });

  it('find nothing in text without a secret, with a backslash or not, and nothing for an empty form or none', () => {
    const mask = new JsonTextMask(['Hunter2-pw']);
    expect(mask.finds('{"a":"line\\nbreak"}')).toBe(false);
    expect(mask.mask('{"a":"line\\nbreak"}')).toBe('{"a":"line\\nbreak"}');
    for (const forms of [[], ['']]) {
      expect(new JsonTextMask(forms).finds('plain')).toBe(false);
      expect(new JsonTextMask(forms).finds('back\\slash')).toBe(false);
      expect(through(forms, ['back\\slash'])).toBe('back\\slash');
    }
    expect(through(['', 'Hunter2-pw'], ['abc Hunter2-pw'])).toBe('abc ****');
  });
});

// The e-mail check compiled at build time (scripts/generate.mjs) uses ajv-formats' pattern without its
// `i` flag, letters written in both cases, because V8 compiles that form faster on every call's
// first check: it must accept and refuse exactly what ajv-formats' own pattern does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { validate } from '../../src/generated/validators/createUser.js';
import { ROOT } from '../helpers/cli.js';

const AJV_EMAIL = fullFormats.email as RegExp;
const emailAccepted = (email: string): boolean => validate({ email }) === true;

/** Every UTF-16 code unit, one string each (lone surrogates included). */
const CODE_UNITS = Array.from({ length: 0x10000 }, (_, unit) => String.fromCharCode(unit));

describe('the e-mail format of the built-in validators', () => {
  it('accepts and refuses what ajv-formats’ case-insensitive pattern does, for every UTF-16 code unit at every kind of place in an address', () => {
    const places = [(c: string) => `${c}@b.co`, (c: string) => `a${c}b@c.co`, (c: string) => `a.${c}@b.co`, (c: string) => `a@${c}.co`, (c: string) => `a@b${c}c.co`, (c: string) => `a@b.${c}`, (c: string) => `a@b.c${c}`];
    const differing: string[] = [];
    for (const place of places) {
      for (const unit of CODE_UNITS) {
        const email = place(unit);
        if (emailAccepted(email) !== AJV_EMAIL.test(email)) differing.push(JSON.stringify(email));
      }
    }
    expect(differing).toEqual([]);
    // Both cases of each letter, as the case-insensitive pattern takes them.
    for (const email of ['A@B.CO', 'Ab.Cd@Ex-Ample.Com', 'KELVIN@k.io', 'ſ@b.co', 'a@b.ſ', 'a@K.co']) expect(emailAccepted(email)).toBe(AJV_EMAIL.test(email));
  });

  it('is written without a case-insensitive pattern in any generated validator (V8 compiles those about three times slower)', () => {
    const dir = join(ROOT, 'src', 'generated', 'validators');
    const patterns = readdirSync(dir)
      .filter((file) => file.endsWith('.js'))
      .flatMap((file) => [...readFileSync(join(dir, file), 'utf8').matchAll(/formats\d+ = (\/.*?\/[a-z]*);/g)].map((match) => `${file}: ${match[1]}`));
    expect(patterns.length).toBeGreaterThan(0);
    expect(patterns.filter((pattern) => /\/[a-z]*i[a-z]*$/.test(pattern))).toEqual([]);
  });
});

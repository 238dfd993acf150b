// A batch's result record is written by hand for speed (batch/outcome.ts), with the body copied as
// the server wrote it. Over many generated answers (seeded, so a failure repeats), the record must be
// JSON that parses back to what JSON.stringify of the record's object would say, key for key in the
// same order, and must never carry a secret, however the server escaped it.
import { describe, expect, it } from 'vitest';
import { answerOutcome, resultRecord, type Outcome } from '../../src/batch/outcome.js';
import { classifyAnswer } from '../../src/api/answer.js';
import { JsonTextMask, maskStrings, secretForms } from '../../src/api/mask.js';

/** mulberry32: a small seeded generator, so every run checks the same values. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SECRET = 'tok"en\\/SECRET-0123456789';
const secrets = new JsonTextMask(secretForms(SECRET));
const redact = (text: string): string => secrets.mask(text);

/** What may reach a record: quotes, backslashes, every control character, line and paragraph separators, lone surrogates, non-ASCII, the secret. */
const PIECES = ['a', 'Zz', ' ', '"', '\\', '/', '\u2028', '\u2029', '\ud800', '\udfff', '😀', 'é', '日本', '\u00a0', '\ufeff', '\u007f', '<script>', '__proto__', SECRET, ...Array.from({ length: 32 }, (_, code) => String.fromCharCode(code))];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, -123.456e-10];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function text(random: () => number, pieces: readonly string[] = PIECES): string {
  return Array.from({ length: Math.floor(random() * 5) }, () => pick(random, pieces)).join('');
}

/** A method name: any text but the secret (a record's method is one of the schemas', never a secret). */
function methodName(random: () => number): string {
  return text(random, PIECES.filter((piece) => piece !== SECRET)) || 'createUser';
}

function value(random: () => number, depth: number): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 5 : 7));
  if (kind === 0) return text(random);
  if (kind === 1) return random() < 0.5 ? pick(random, NUMBERS) : (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
  if (kind === 2) return random() < 0.5;
  if (kind === 3) return null;
  if (kind === 4) return Math.floor(random() * 1000);
  if (kind === 5) return Array.from({ length: Math.floor(random() * 4) }, () => value(random, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [text(random), value(random, depth + 1)]));
}

/** JSON text of `data` as some server could write it: spaces and tabs between tokens, characters escaped as \uXXXX, `/` as `\/`. */
function serverText(random: () => number, data: unknown): string {
  const space = () => (random() < 0.2 ? pick(random, [' ', '\t', '  ']) : '');
  const string = (s: string) =>
    [...JSON.stringify(s).slice(1, -1).matchAll(/\\u[0-9a-f]{4}|\\.|[^]/g)]
      .map(([piece]) => {
        if (piece.length > 1 || random() < 0.7) return piece === '\\/' ? '/' : piece;
        if (piece === '/') return '\\/';
        return piece.length === 1 && piece.charCodeAt(0) < 0xd800 ? `\\u${piece.charCodeAt(0).toString(16).padStart(4, '0')}` : piece;
      })
      .join('');
  const write = (item: unknown): string => {
    if (typeof item === 'string') return `"${string(item)}"`;
    if (Array.isArray(item)) return `[${space()}${item.map((each) => `${write(each)}${space()}`).join(',')}]`;
    if (item !== null && typeof item === 'object') return `{${Object.entries(item).map(([key, each]) => `${space()}"${string(key)}"${space()}:${space()}${write(each)}`).join(',')}}`;
    return JSON.stringify(item);
  };
  return `${pick(random, ['', '\ufeff', ' ', '\t'])}${write(data)}${pick(random, ['', ' ', '\t '])}`;
}

/** A success as the executor makes it: classified from the text, then with attempts and times. */
function success(random: () => number, body: string): Outcome {
  const head = { status: pick(random, [200, 201, 204, 299]), statusText: 'OK', headers: {} };
  const outcome = answerOutcome(head, body, classifyAnswer(head, { text: body, bytes: Buffer.byteLength(body), complete: true }), 1 + Math.floor(random() * 3));
  const time = () => pick(random, [0, -0, 1e-7, 0.0000005, 0.25, 12.3456789, 1e21, Number.NaN, Number.POSITIVE_INFINITY]);
  const roll = random();
  if (roll < 0.33) return outcome;
  return { ...outcome, seconds: roll < 0.66 ? { total: time() } : { starttransfer: time(), total: time() } };
}

/** The record as JSON.stringify writes its object (resultRecord's slow path, the one the fast one stands in for). */
function expected(line: number, method: string, outcome: Outcome, body: unknown): string {
  const record: Record<string, unknown> = { line, method, status: outcome.status, ok: true };
  if (outcome.attempts > 1) record['attempts'] = outcome.attempts;
  const us = (seconds: number) => Math.round(seconds * 1e6) / 1e6;
  if (outcome.seconds?.starttransfer !== undefined) record['time_starttransfer'] = us(outcome.seconds.starttransfer);
  if (outcome.seconds) record['time_total'] = us(outcome.seconds.total);
  record['body'] = body;
  return `${JSON.stringify(record)}\n`;
}

describe('a success record written by hand', () => {
  it('is JSON.stringify’s text for every kind of body JSON.stringify writes, the secret masked', () => {
    const random = seeded(21);
    for (let i = 0; i < 3000; i++) {
      const data = value(random, 0);
      const line = pick(random, [1, 42, 2 ** 53 - 1]);
      const method = methodName(random);
      const outcome = success(random, JSON.stringify(data));
      expect(outcome.ok).toBe(true);
      const record = resultRecord(line, method, outcome, secrets);
      expect(record).toBe(expected(line, method, outcome, maskStrings(data, redact)));
    }
  });

  it('parses back to the body the server sent, however it spaced and escaped it, and never holds the secret', () => {
    const random = seeded(2028);
    for (let i = 0; i < 3000; i++) {
      const data = value(random, 0);
      const body = serverText(random, data);
      const line = 1 + Math.floor(random() * 10_000);
      const method = methodName(random);
      const outcome = success(random, body);
      expect(outcome.ok).toBe(true);
      const record = resultRecord(line, method, outcome, secrets);
      expect(record.endsWith('}\n') && !record.slice(0, -1).includes('\n')).toBe(true);
      expect(JSON.parse(record)).toEqual(JSON.parse(expected(line, method, outcome, maskStrings(JSON.parse(body.replace(/^\ufeff/, '')), redact))));
      for (const form of secretForms(SECRET)) expect(record).not.toContain(form);
      expect(JSON.stringify(JSON.parse(record))).not.toContain('SECRET-0123456789');
    }
  });
});

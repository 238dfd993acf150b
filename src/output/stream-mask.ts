// Secrets masked in a body as it streams to stdout: every form of each secret (api/mask.ts
// secretForms) becomes `****`, also when it is cut across two chunks; the bytes that could still be
// the start of a secret are held back until the next chunk or the end. A JSON body may write any of
// a secret's characters as an escape (`\u0074`, `\/`, `\"`) and still mean it, so each character is
// matched in every way JSON may write it, not only as it is.
const REPLACEMENT = Buffer.from('****');

/** The short escapes JSON has besides \uXXXX, by the character they stand for. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A pattern over bytes read as Latin-1 (one character a byte) for one character of a secret. */
function characterPattern(char: string): { pattern: string; maxBytes: number } {
  const literal = [...Buffer.from(char, 'utf8')].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
  // \uXXXX, one per UTF-16 unit (a character beyond the BMP is two), its hex digits in either case.
  const units = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i).toString(16).padStart(4, '0'));
  const unicode = units.map((hex) => `\\\\u${[...hex].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('')}`).join('');
  const short = SHORT_ESCAPES[char];
  const alternatives = [literal, unicode, ...(short === undefined ? [] : [short.replace(/\\/g, '\\\\').replace(/"/g, '\\x22').replace(/\//g, '\\/')])];
  return { pattern: `(?:${alternatives.join('|')})`, maxBytes: Math.max(Buffer.byteLength(char), 6 * char.length) };
}

function formPattern(form: string): { pattern: string; maxBytes: number } {
  const chars = [...form].map(characterPattern);
  return { pattern: chars.map(({ pattern }) => pattern).join(''), maxBytes: chars.reduce((sum, { maxBytes }) => sum + maxBytes, 0) };
}

export class StreamMask {
  private readonly pattern: RegExp | undefined;
  private readonly holdBytes: number;
  private pending: Buffer = Buffer.alloc(0);

  constructor(forms: readonly string[]) {
    const patterns = forms.filter((form) => form.length > 0).map(formPattern);
    this.pattern = patterns.length ? new RegExp(patterns.map(({ pattern }) => pattern).join('|'), 'g') : undefined;
    // A match is never longer than its form written wholly in escapes: so much, less a byte, may still be one.
    this.holdBytes = Math.max(0, ...patterns.map(({ maxBytes }) => maxBytes - 1));
  }

  /** What may be written now. */
  push(chunk: Buffer): Buffer {
    const data = this.replace(this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk);
    const cut = Math.max(0, data.length - this.holdBytes);
    this.pending = data.subarray(cut);
    return data.subarray(0, cut);
  }

  /** The rest, at the end of the body. */
  end(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }

  private replace(data: Buffer): Buffer {
    if (!this.pattern) return data;
    // Latin-1: one character a byte, so a match's index is its offset in the bytes.
    const text = data.toString('latin1');
    this.pattern.lastIndex = 0;
    const found = this.pattern.test(text);
    // matchAll starts where test() stopped.
    this.pattern.lastIndex = 0;
    if (!found) return data;
    const parts: Buffer[] = [];
    let from = 0;
    for (const match of text.matchAll(this.pattern)) {
      parts.push(data.subarray(from, match.index), REPLACEMENT);
      from = match.index + match[0].length;
    }
    parts.push(data.subarray(from));
    return Buffer.concat(parts);
  }
}

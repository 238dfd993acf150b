// Secrets masked in a body as it streams to stdout: every form of each secret (api/mask.ts
// secretForms) becomes `****`, also when it is cut across two chunks; the bytes that could still be
// the start of a secret are held back until the next chunk or the end. A JSON body may write any of
// a secret's characters as an escape (`\u0074`, `\/`, `\"`; a URL in it, `%2F`) and still mean it, so
// each character is matched in every way JSON may write it, not only as it is.
// The patterns are api/mask.ts jsonWritings', over bytes: the same as batch's records are masked by.
import { jsonWritings } from '../api/mask.js';

const REPLACEMENT = Buffer.from('****');

export class StreamMask {
  private readonly pattern: RegExp | undefined;
  private readonly holdBytes: number;
  private pending: Buffer = Buffer.alloc(0);

  constructor(forms: readonly string[]) {
    const writings = jsonWritings(forms, 'bytes');
    this.pattern = writings?.pattern;
    // A match is never longer than its form written wholly in escapes: so much, less a byte, may still be one.
    this.holdBytes = writings ? writings.maxUnits - 1 : 0;
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

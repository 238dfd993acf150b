// Secrets masked in a body as it streams to stdout: every form of each secret (api/mask.ts
// secretForms) becomes `****`, also when it is cut across two chunks; the bytes that could still be
// the start of a secret are held back until the next chunk or the end.
const REPLACEMENT = Buffer.from('****');

export class StreamMask {
  private readonly forms: Buffer[];
  private readonly holdBytes: number;
  private pending: Buffer = Buffer.alloc(0);

  constructor(forms: readonly string[]) {
    this.forms = forms.filter((form) => form.length > 0).map((form) => Buffer.from(form, 'utf8'));
    this.holdBytes = Math.max(0, ...this.forms.map((form) => form.length - 1));
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
    let result = data;
    for (const form of this.forms) {
      let at = result.indexOf(form);
      if (at === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at !== -1) {
        parts.push(result.subarray(from, at), REPLACEMENT);
        from = at + form.length;
        at = result.indexOf(form, from);
      }
      parts.push(result.subarray(from));
      result = Buffer.concat(parts);
    }
    return result;
  }
}

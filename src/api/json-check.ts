// Whether a byte stream is one JSON text (RFC 8259, as JSON.parse accepts it), checked as it
// streams, in constant memory: a 2xx answer too large to keep must follow the same "is it JSON?"
// rule as a small one, which JSON.parse decides. Nothing is built; only nesting is remembered.

const enum Mode {
  /** A value must come (start of text, after ':' or ','). */
  Value,
  /** After '[': a value or ']'. */
  ValueOrEnd,
  /** After '{': a key or '}'. */
  KeyOrEnd,
  /** After ',' in an object. */
  Key,
  /** After a key. */
  Colon,
  /** After a value: ',' or a closing bracket, or the end of the text. */
  AfterValue,
  String,
  StringEscape,
  StringHex,
  Number,
  Literal,
  Failed,
}

const enum Num {
  Sign,
  Zero,
  Int,
  Dot,
  Frac,
  Exp,
  ExpSign,
  ExpDigits,
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));
const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const isHex = (byte: number) => isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);

export class JsonSyntaxCheck {
  private mode = Mode.Value;
  /** Open brackets, innermost last: true for an object. */
  private readonly stack: boolean[] = [];
  private stringIsKey = false;
  private hexLeft = 0;
  private num = Num.Sign;
  private literal = '';
  private literalAt = 0;

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length && this.mode !== Mode.Failed; i++) this.byte(chunk[i] as number);
  }

  /** True when everything pushed is exactly one JSON text. */
  end(): boolean {
    if (this.mode === Mode.Number && this.numberComplete()) this.mode = Mode.AfterValue;
    return this.mode === Mode.AfterValue && this.stack.length === 0;
  }

  private byte(byte: number): void {
    switch (this.mode) {
      case Mode.String:
        if (byte === 0x22) this.endString();
        else if (byte === 0x5c) this.mode = Mode.StringEscape;
        else if (byte < 0x20) this.mode = Mode.Failed;
        return;
      case Mode.StringEscape:
        if (!ESCAPES.has(byte)) this.mode = Mode.Failed;
        else if (byte === 0x75) [this.mode, this.hexLeft] = [Mode.StringHex, 4];
        else this.mode = Mode.String;
        return;
      case Mode.StringHex:
        if (!isHex(byte)) this.mode = Mode.Failed;
        else if (--this.hexLeft === 0) this.mode = Mode.String;
        return;
      case Mode.Literal:
        if (byte !== this.literal.charCodeAt(this.literalAt)) this.mode = Mode.Failed;
        else if (++this.literalAt === this.literal.length) this.mode = Mode.AfterValue;
        return;
      case Mode.Number:
        if (this.numberByte(byte)) return;
        if (!this.numberComplete()) {
          this.mode = Mode.Failed;
          return;
        }
        this.mode = Mode.AfterValue;
        break; // the byte that ended the number is read as what follows it
      default:
    }
    if (WHITESPACE.has(byte)) return;
    switch (this.mode) {
      case Mode.Value:
      case Mode.ValueOrEnd:
        if (this.mode === Mode.ValueOrEnd && byte === 0x5d) this.close(false);
        else this.startValue(byte);
        return;
      case Mode.KeyOrEnd:
      case Mode.Key:
        if (byte === 0x22) [this.mode, this.stringIsKey] = [Mode.String, true];
        else if (this.mode === Mode.KeyOrEnd && byte === 0x7d) this.close(true);
        else this.mode = Mode.Failed;
        return;
      case Mode.Colon:
        this.mode = byte === 0x3a ? Mode.Value : Mode.Failed;
        return;
      case Mode.AfterValue: {
        const inObject = this.stack[this.stack.length - 1];
        if (inObject === undefined) this.mode = Mode.Failed;
        else if (byte === 0x2c) this.mode = inObject ? Mode.Key : Mode.Value;
        else if (byte === (inObject ? 0x7d : 0x5d)) this.close(inObject);
        else this.mode = Mode.Failed;
        return;
      }
      default:
        this.mode = Mode.Failed;
    }
  }

  private startValue(byte: number): void {
    if (byte === 0x7b || byte === 0x5b) {
      this.stack.push(byte === 0x7b);
      this.mode = byte === 0x7b ? Mode.KeyOrEnd : Mode.ValueOrEnd;
    } else if (byte === 0x22) [this.mode, this.stringIsKey] = [Mode.String, false];
    else if (byte === 0x2d) [this.mode, this.num] = [Mode.Number, Num.Sign];
    else if (byte === 0x30) [this.mode, this.num] = [Mode.Number, Num.Zero];
    else if (isDigit(byte)) [this.mode, this.num] = [Mode.Number, Num.Int];
    else if (byte === 0x74 || byte === 0x66 || byte === 0x6e) {
      this.literal = byte === 0x74 ? 'true' : byte === 0x66 ? 'false' : 'null';
      [this.mode, this.literalAt] = [Mode.Literal, 1];
    } else this.mode = Mode.Failed;
  }

  private endString(): void {
    this.mode = this.stringIsKey ? Mode.Colon : Mode.AfterValue;
  }

  private close(object: boolean): void {
    if (this.stack.pop() !== object) this.mode = Mode.Failed;
    else this.mode = Mode.AfterValue;
  }

  /** Takes the byte into the number if it continues it. */
  private numberByte(byte: number): boolean {
    const digit = isDigit(byte);
    switch (this.num) {
      case Num.Sign:
        if (byte === 0x30) this.num = Num.Zero;
        else if (digit) this.num = Num.Int;
        else return false;
        return true;
      case Num.Zero:
      case Num.Int:
        if (digit && this.num === Num.Int) return true;
        if (byte === 0x2e) this.num = Num.Dot;
        else if (byte === 0x65 || byte === 0x45) this.num = Num.Exp;
        else return false;
        return true;
      case Num.Dot:
      case Num.Frac:
        if (digit) this.num = Num.Frac;
        else if (this.num === Num.Frac && (byte === 0x65 || byte === 0x45)) this.num = Num.Exp;
        else return false;
        return true;
      case Num.Exp:
        if (byte === 0x2b || byte === 0x2d) this.num = Num.ExpSign;
        else if (digit) this.num = Num.ExpDigits;
        else return false;
        return true;
      case Num.ExpSign:
      case Num.ExpDigits:
        if (!digit) return false;
        this.num = Num.ExpDigits;
        return true;
    }
  }

  private numberComplete(): boolean {
    return this.num === Num.Zero || this.num === Num.Int || this.num === Num.Frac || this.num === Num.ExpDigits;
  }
}

// Whole numbers beyond 2^53 in a server's JSON answer, kept as the digits it sent. JSON.parse
// rounds them (9007199254740993 becomes ...992), so `--query id` would print a number the server
// never sent. Before parsing, each such number is replaced by a marker string; after the query, a
// marker in the printed result is replaced by the digits again. Pure; used only by --query.

/** A JSON number token, as the grammar has it. */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export interface ExactText {
  /** The JSON text with each large whole number replaced by a marker string. */
  text: string;
  /** A query's printed result with each marker replaced by the digits the server sent. */
  restore(printed: string): string;
}

/** The text prepared for parsing, or undefined when it holds no whole number beyond 2^53 (the usual case). */
export function protectLargeIntegers(text: string): ExactText | undefined {
  if (!/\d{16}/.test(text)) return undefined;
  const digits: string[] = [];
  // Unique per call, and U+0000 inside: no string a server sends is taken for a marker by chance.
  const tag = `oneoffice-n${Math.random().toString(36).slice(2, 10)}-`;
  let out = '';
  let copied = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      continue;
    }
    if (char !== '-' && (char < '0' || char > '9')) continue;
    NUMBER.lastIndex = i;
    const token = NUMBER.exec(text)?.[0];
    if (token === undefined) continue;
    if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
      out += `${text.slice(copied, i)}"\\u0000${tag}${digits.length}\\u0000"`;
      copied = i + token.length;
      digits.push(token);
    }
    i += token.length - 1;
  }
  if (digits.length === 0) return undefined;
  const number = (index: string) => digits[Number(index)] ?? index;
  return {
    text: out + text.slice(copied),
    restore: (printed) =>
      printed
        // As JSON (the marker as a whole string, then inside a longer one), then as plain text.
        .replace(new RegExp(`"\\\\u0000${tag}(\\d+)\\\\u0000"`, 'g'), (_, index: string) => number(index))
        .replace(new RegExp(`\\\\u0000${tag}(\\d+)\\\\u0000`, 'g'), (_, index: string) => number(index))
        .replace(new RegExp(`\\u0000${tag}(\\d+)\\u0000`, 'g'), (_, index: string) => number(index)),
  };
}

// The one reader for JSON text from a user, a file or a server. Its failures never repeat the
// input: V8's messages quote the text they could not parse (`Unexpected token 'h', ..."assword":
// hunter2sec"... is not valid JSON`), and that text may hold a token or a password. So a failure
// is described only by a reason from a fixed list and where it is (offset, line, column).

export type JsonRead = { ok: true; value: unknown } | { ok: false; reason: string; offset: number; line: number; column: number };

/** V8's reasons that name no input; anything else is described as an unexpected character. */
const KNOWN_REASONS = [
  'Unexpected end of JSON input',
  'Expected property name or \'}\'',
  'Expected \',\' or \'}\' after property value',
  'Expected \',\' or \']\' after array element',
  'Expected double-quoted property name',
  'Expected \':\' after property name',
  'Unterminated string',
  'Bad control character in string literal',
  'Bad escaped character',
  'Bad Unicode escape',
  'No number after minus sign',
  'Exponent part is missing a number',
  'Unterminated fractional number',
  'Unexpected non-whitespace character after JSON',
] as const;
const UNEXPECTED_CHARACTER = 'Unexpected character';

/** Parses `text`; a leading UTF-8 byte order mark (what Windows editors write) is ignored. */
export function readJson(text: string): JsonRead {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (error) {
    return failure(source, error);
  }
}

function failure(text: string, error: unknown): JsonRead {
  const message = error instanceof Error ? error.message : '';
  const known = KNOWN_REASONS.find((reason) => message.startsWith(reason));
  const position = /at position (\d+)/.exec(message);
  let offset: number;
  if (known === 'Unexpected end of JSON input') offset = text.length;
  else if (known !== undefined && position) offset = Number(position[1]);
  else offset = firstBadOffset(text);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { ok: false, reason: known ?? UNEXPECTED_CHARACTER, offset, line, column };
}

/**
 * Where the text stops being the start of some JSON value, for messages that give no position.
 * A prefix is "bad" once it fails other than by ending early; that is monotone, so a binary search
 * finds the first bad character in O(log n) parses (only ever run on a failure).
 */
function firstBadOffset(text: string): number {
  const bad = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (message.startsWith('Unexpected end of JSON input')) return false;
      const position = /at position (\d+)/.exec(message);
      return !position || Number(position[1]) < length;
    }
  };
  let low = 1;
  let high = text.length;
  if (!bad(high)) return text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (bad(middle)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

/** "reason at line L column C": for text that may span lines (--params, files). */
export function parseJson(text: string): { value: unknown } | { error: string } {
  const read = readJson(text);
  return read.ok ? { value: read.value } : { error: `${read.reason} at line ${read.line} column ${read.column}` };
}

/** "reason at column C": for one line of text (a batch line). */
export function jsonLineProblem(read: Extract<JsonRead, { ok: false }>): string {
  return `${read.reason} at column ${read.offset + 1}`;
}

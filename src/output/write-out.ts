// -w/--write-out as curl has it: a format with %{variable}s written after the body (also when the
// call failed), so a script written for curl reads the status or the timings without parsing
// stderr. The format is read before anything is sent, and read as curl reads it: an unknown
// variable is a warning and prints nothing, an unclosed %{ prints as it is, a backslash escapes
// only n, r and t. Rendering (write-out-values.ts) is a pure function of the call's facts.
import type { Readable } from 'node:stream';
import { readAll } from '../api/read-all.js';
import { isUtf16, UTF16_ADVICE } from '../api/text.js';
import { visibleControls } from './controls.js';
import { WRITE_OUT_VARIABLES, type Variable } from './write-out-values.js';

export { renderWriteOut, writeOutJson, WRITE_OUT_VARIABLES, type WriteOutFacts } from './write-out-values.js';
export { callFacts } from './write-out-facts.js';

export type WriteOutPart = { text: string } | { variable: Variable } | { header: string };
export type WriteOutFormat = WriteOutPart[];

/**
 * The most `-w @file` and `-w @-` read, the bound --params files have: a device (`@/dev/zero`) or
 * the wrong file must not be read to its end.
 */
export const MAX_WRITE_OUT_BYTES = 1024 * 1024;

/** Unknown names shown in the one warning line; the rest are counted. */
const NAMES_SHOWN = 3;
const NAME_CHARS_SHOWN = 40;

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
const KNOWN = new Set<string>(WRITE_OUT_VARIABLES);

/** The format from the flag (`@file` reads a file, `@-` stdin), with a warning for unknown variables, or the problem. */
export async function readWriteOut(flag: string, stdin: Readable): Promise<{ format: WriteOutFormat; warning?: string } | { problem: string }> {
  let text = flag;
  if (flag.startsWith('@')) {
    const path = flag.slice(1);
    const origin = path === '-' ? '--write-out @- (stdin)' : `--write-out @${path}`;
    let read: string | undefined;
    try {
      // A stream, so that a FIFO or a device is bounded too.
      read = await readAll(path === '-' ? stdin : (await import('node:fs')).createReadStream(path), MAX_WRITE_OUT_BYTES);
    } catch (error) {
      return { problem: `${origin}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` };
    }
    if (read === undefined) return { problem: `${origin}: larger than ${MAX_WRITE_OUT_BYTES} bytes (1 MiB), more than a format needs` };
    if (isUtf16(read)) return { problem: `${origin} ${UTF16_ADVICE}` };
    // curl reads a format file line by line and keeps no line break (a \n escape writes one); each
    // line ends at its first carriage return.
    text = read
      .split('\n')
      .map((line) => (line.includes('\r') ? line.slice(0, line.indexOf('\r')) : line))
      .join('');
  }
  const { format, unknown } = parseWriteOut(text);
  return unknown.length ? { format, warning: unknownWarning(unknown) } : { format };
}

/** The format as curl reads it, and the names of the variables it does not know (left out of the format). */
export function parseWriteOut(text: string): { format: WriteOutFormat; unknown: string[] } {
  const format: WriteOutFormat = [];
  const unknown: string[] = [];
  let literal = '';
  const push = (part: WriteOutPart) => {
    if (literal) format.push({ text: literal });
    literal = '';
    format.push(part);
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    const next = text[i + 1];
    if (char === '\\' && next !== undefined) {
      // curl: \n \r \t are escapes; any other backslash pair (\\ too) is written as it is.
      literal += ESCAPES[next] ?? `${char}${next}`;
      i += 2;
    } else if (char === '%' && next === '%') {
      literal += '%';
      i += 2;
    } else if (char === '%' && next === '{') {
      const end = text.indexOf('}', i + 2);
      if (end === -1) {
        literal += '%{';
        i += 2;
        continue;
      }
      const name = text.slice(i + 2, end).toLowerCase();
      if (KNOWN.has(name)) push({ variable: name as Variable });
      else unknown.push(text.slice(i + 2, end));
      i = end + 1;
    } else if (char === '%' && text.startsWith('header{', i + 1)) {
      const end = text.indexOf('}', i + 8);
      if (end === -1) {
        literal += '%header{';
        i += 8;
        continue;
      }
      push({ header: text.slice(i + 8, end).toLowerCase() });
      i = end + 1;
    } else if (char === '%' && next !== undefined) {
      literal += `${char}${next}`;
      i += 2;
    } else {
      literal += char;
      i++;
    }
  }
  if (literal) format.push({ text: literal });
  return { format, unknown };
}

/** One line however many there are (a generated format may hold thousands), each name cut short. */
function unknownWarning(names: string[]): string {
  const distinct = [...new Set(names)];
  const shown = distinct.slice(0, NAMES_SHOWN).map((name) => `%{${visibleControls(name.length > NAME_CHARS_SHOWN ? `${name.slice(0, NAME_CHARS_SHOWN)}…` : name)}}`);
  const more = distinct.length > NAMES_SHOWN ? ` and ${distinct.length - NAMES_SHOWN} more` : '';
  return `--write-out: unknown variable${distinct.length > 1 ? 's' : ''} ${shown.join(', ')}${more}, written as nothing (as curl does; see oneoffice --help for the variables)`;
}

// Every help text is written wide (one line per paragraph or option) and wrapped here, once, to
// the reader's terminal: between words, never inside one, with descriptions kept under their
// column. One function for commander's help and ours, so every command looks the same.

/** Where help goes and how wide it may be: $COLUMNS (as commander reads it), else the terminal's. */
export interface HelpTarget {
  env: Readonly<Record<string, string | undefined>>;
  stdout: { isTTY?: boolean };
}

export const DEFAULT_HELP_COLUMNS = 80;
/** The width commander is told, so it leaves the wrapping to fitHelp. */
export const UNWRAPPED = 100_000;
/** Narrower than this, hanging descriptions would be a word per line: the width used instead. */
const MIN_HELP_COLUMNS = 40;
/** A synopsis goes on under the command, after "Usage: ". */
const USAGE_INDENT = 'Usage: '.length;
/** How far a description put below its term is indented, past the term's own indentation. */
const DESCRIPTION_BELOW_INDENT = 8;
/** Items (options, commands, codes) start this far in. */
const ITEM_INDENT = 2;
/** Stands for a space that must not become a line break (U+00A0, never in help's own text). */
const KEPT_SPACE = '\u00a0';
/**
 * A line showing a command, a JSON value or a YAML entry (test's sample scenario), rather than prose:
 * it goes on deeper, so that a YAML value broken onto the next line is still the same value (a
 * method help's "example: --flag ..." is not one: its quoted JSON may be broken).
 */
const COMMAND_LINE = /^ *(oneoffice |\$ |\{|\[|[a-z-]+ \||(- )?[\w.-]+: (?!--))/;

/** The width help is wrapped to: $COLUMNS, else the terminal's columns, else 80. */
export function helpColumns(target: HelpTarget): number {
  const fromEnv = Number(target.env['COLUMNS']);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return Math.max(fromEnv, MIN_HELP_COLUMNS);
  // Only a terminal has columns; reading them of a pipe would be pointless.
  const columns = target.stdout.isTTY ? (target.stdout as { columns?: unknown }).columns : undefined;
  return typeof columns === 'number' && columns > 0 ? Math.max(columns, MIN_HELP_COLUMNS) : DEFAULT_HELP_COLUMNS;
}

/** `text` as help for `target`. */
export function fitHelp(target: HelpTarget, text: string): string {
  return wrapHelp(text, helpColumns(target));
}

/**
 * Prose paragraphs (runs of lines at column 0) are joined and refilled; an indented item (with
 * the lines written under its description) is refilled too, between words, its continuation
 * under its description column (after the first run of two or more spaces), or four columns in
 * when that column is too far right. A word wider than the room left stands alone.
 */
export function wrapHelp(text: string, width: number): string {
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isProse(line)) {
      let paragraph = line;
      // A heading ("Options:") is a paragraph of its own, whatever follows it.
      while (!paragraph.endsWith(':') && isProse(lines[i + 1] ?? '')) paragraph += ` ${lines[++i] as string}`;
      out.push(...fill(paragraph, width, 0, 0));
    } else if (line.startsWith('Usage:')) {
      out.push(...fill(line, width, 0, USAGE_INDENT));
    } else {
      // Lines written under the description column stay lines of their own: they may be commands.
      out.push(...fillItem(line, width));
    }
  }
  return out.join('\n');
}

/** A line of a prose paragraph: text at column 0, not the start of a usage synopsis. */
function isProse(line: string): boolean {
  return /^\S/.test(line) && !line.startsWith('Usage:');
}

function leadingSpaces(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

/** Where an item's description starts: after the first run of two or more spaces. */
function descriptionColumn(line: string): number | undefined {
  return /^ *\S.*? {2,}(?=\S)/.exec(line)?.[0].length;
}

/**
 * An item too long for its line: its description wrapped under its column, or, when that column
 * is past the middle (a narrow ribbon), on lines of its own below the term, as git and clap do.
 */
function fillItem(written: string, width: number): string[] {
  if (written.length <= width) return [written.trimEnd()];
  // A command is not broken inside a quoted argument: a line break there would change it.
  const command = COMMAND_LINE.test(written);
  const item = command ? written.replace(/'[^']*'/g, (quoted) => quoted.replaceAll(' ', KEPT_SPACE)) : written;
  const lines = fillItemWords(item, width, command);
  return command ? lines.map((line) => line.replaceAll(KEPT_SPACE, ' ')) : lines;
}

function fillItemWords(item: string, width: number, command: boolean): string[] {
  const lead = leadingSpaces(item);
  const column = descriptionColumn(item);
  // Prose under a heading goes on at its own indentation; a command goes on four columns in.
  const termIndent = Math.min(lead + 4, Math.floor(width / 2));
  // A comment line of its own (a YAML sample's "# ...") stays one on every line it takes.
  if (column === undefined) return fill(item, width, lead, command ? termIndent : lead, item.startsWith('# ', lead) ? '# ' : '');
  if (column <= width / 2) return fill(item, width, lead, column, item.slice(column).startsWith('# ') ? '# ' : '');
  // From the item's first column (an option without a short name is padded in by four).
  const indent = Math.min(lead, ITEM_INDENT) + DESCRIPTION_BELOW_INDENT;
  const description = item.slice(column);
  // A comment (a YAML sample's "# ...") stays one on every line it takes.
  const prefix = description.startsWith('# ') ? '# ' : '';
  return [...fill(item.slice(0, column).trimEnd(), width, lead, termIndent), ...fill(' '.repeat(indent) + description, width, indent, indent, prefix)];
}

/** `line` broken between words into lines of at most `width` columns (a longer word stands alone). */
function fill(line: string, width: number, firstIndent: number, restIndent: number, restPrefix = ''): string[] {
  if (line.length <= width) return [line.trimEnd()];
  const head = line.slice(0, firstIndent);
  // Runs of spaces inside the first line (the gap before a description) are kept as written.
  const tokens = line.slice(firstIndent).split(/( +)/);
  const lines: string[] = [];
  let current = head;
  let indent = firstIndent;
  let atStart = true;
  for (let t = 0; t < tokens.length; t += 2) {
    const word = tokens[t] as string;
    const gap = t === 0 ? '' : (tokens[t - 1] as string);
    if (word === '') continue;
    if (!atStart && current.length + gap.length + word.length > width) {
      lines.push(current);
      // A word too long for the description column (a path, an address) moves left to fit.
      indent = Math.max(0, Math.min(restIndent, width - word.length));
      current = ' '.repeat(indent) + restPrefix + word;
    } else {
      current += atStart ? word : gap + word;
    }
    atStart = false;
  }
  lines.push(current);
  return lines.map((text) => text.trimEnd());
}

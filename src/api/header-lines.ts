// The -H lines checked as a whole, before anything is sent: every bad line is found (not only the
// first), so a command reports them in one go with its other problems (house style: collect, then
// report). A line is named by its place (`--header (the 2nd)`), never repeated: it is often a credential.
// The one check of them: the call builder (request.ts) takes the edits read here, never lines, and
// the library's buildCall reads its lines here too.

/** A -H line as an edit of the headers: [name, value], or [name, undefined] for `Name:` (remove it). */
export type HeaderEdit = [name: string, value: string | undefined];

/** Headers the HTTP layer owns; -H cannot change them. */
const SET_BY_TRANSPORT = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);

/** What a header value may hold, said where a token or a -H value holds something else. */
export const NOT_SENDABLE = 'may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character)';

/** What HTTP lets a header name be: a token (RFC 9110's tchar; node:http's and undici's own check). */
export function isHttpToken(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}

/** What HTTP lets a header value carry: tab, printable ASCII and obs-text (undici's and Node's own check). */
export function sendableInHeader(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
}

/**
 * What is wrong with a token no header can carry, in words that never quote it (it is the secret);
 * undefined when it can be sent. The one check of a token: at call time and at `config set bearer`.
 */
export function tokenProblem(token: string): string | undefined {
  return sendableInHeader(token) ? undefined : `the API token ${NOT_SENDABLE}`;
}

/**
 * `-H "Name: value"` lines to edits, with one line per problem of every bad line (edits only when
 * there are none). `named` is how the caller knows them: the CLI's flag, the library's `headers` option.
 */
export function readHeaderLines(lines: readonly string[], named = '--header'): { edits: HeaderEdit[]; problems: string[] } {
  const edits: HeaderEdit[] = [];
  const problems: string[] = [];
  lines.forEach((line, index) => {
    const which = lines.length > 1 ? `${named} (the ${ordinal(index + 1)})` : named;
    const read = readHeaderLine(line);
    if (read.kind === 'edit') edits.push(read.edit);
    problems.push(...read.problems.map((problem) => `${which}: ${problem}`));
  });
  return { edits: problems.length ? [] : edits, problems };
}

type ReadLine = { kind: 'edit'; edit: HeaderEdit; problems: string[] } | { kind: 'unreadable'; problems: string[] };

function readHeaderLine(line: string): ReadLine {
  const colon = line.indexOf(':');
  if (colon < 0) return { kind: 'unreadable', problems: ['has no colon; write it as "Name: value" (not repeated here: it may hold a secret)'] };
  const name = line.slice(0, colon).trim();
  if (name === '') return { kind: 'unreadable', problems: ['has no name before its colon; write it as "Name: value"'] };
  if (!isHttpToken(name)) return { kind: 'unreadable', problems: ["the name before the colon may hold only letters, digits and !#$%&'*+-.^_`|~ (not repeated here: it may hold a secret)"] };
  const problems: string[] = [];
  // The name is one of four known ones here, so it holds no secret, and it says which rule was broken.
  if (SET_BY_TRANSPORT.has(name.toLowerCase())) problems.push(`${name} is set by oneoffice and cannot be changed`);
  const value = line.slice(colon + 1).trim();
  if (/[\r\n\0]/.test(value)) problems.push('the value must not contain line breaks');
  else if (!sendableInHeader(value)) problems.push(`the value ${NOT_SENDABLE}`);
  return { kind: 'edit', edit: [name, value === '' ? undefined : value], problems };
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * The library's `headers` option as a JavaScript caller may give it (not always an array of
 * strings): its edits, or a problem per bad line, named as the option, for createClient to report
 * with its others.
 */
export function readHeaderOption(value: unknown): { edits: HeaderEdit[]; problems: string[] } {
  if (value === undefined) return { edits: [], problems: [] };
  if (!Array.isArray(value)) return { edits: [], problems: ['headers: must be an array of "Name: value" strings'] };
  const notText = value.findIndex((line) => typeof line !== 'string');
  if (notText !== -1) return { edits: [], problems: [`headers: must be an array of "Name: value" strings (item ${notText} is not a string)`] };
  return readHeaderLines(value as string[], 'headers');
}

// Quoting a word for the shell that will read it, so that what the program receives is exactly the
// word, whatever it holds. One function per dialect, each following that shell's documented rules:
// POSIX sh (Shell Command Language 2.2), PowerShell (about_Quoting_Rules; the language spec counts
// the typographic single quotes U+2018..U+201B as quotes too), cmd.exe (caret escapes, `%` expanded
// before carets are removed) over the MSVC rules by which curl.exe splits its command line.
import { UsageError } from '../api/errors.js';

export type ShellDialect = 'sh' | 'powershell' | 'cmd';
export const SHELL_DIALECTS: readonly ShellDialect[] = ['sh', 'powershell', 'cmd'];

// POSIX: a word is left bare only when it holds nothing a shell would interpret; otherwise it is
// single-quoted, with each ' written as '\'' (valid in sh, bash, dash, zsh).
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// PowerShell: in a single-quoted string nothing is special but the single quote itself, written
// twice; PowerShell takes ‘ ’ ‚ ‛ for single quotes as well, so they are doubled too. Bare words
// avoid `@` (splatting), `,` (arrays), `$`, backticks, and a leading `-`.
const POWERSHELL_SAFE = /^[A-Za-z0-9_+=:./][A-Za-z0-9_+=:./-]*$/;
const POWERSHELL_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

export function powershellQuote(word: string): string {
  return POWERSHELL_SAFE.test(word) ? word : powershellString(word);
}

/** Always a single-quoted string literal (where PowerShell expects an expression, not a word). */
export function powershellString(text: string): string {
  return `'${text.replace(POWERSHELL_QUOTES, '$&$&')}'`;
}

// cmd.exe passes a program's command line on as typed (after its own processing), and the program
// (curl.exe, node.exe: the MSVC runtime) splits it into words. So a word is first quoted for the
// MSVC rules, then every character cmd would act on gets a caret. With `"` escaped as `^"` cmd never
// thinks it is inside quotes, so every caret applies; `^%` keeps `%NAME%` from being expanded
// (interactive cmd leaves an undefined `%NAME^%` alone, then drops the caret).
const CMD_SAFE = /^[A-Za-z0-9_+:./@-]+$/;
const CMD_SPECIAL = /[()%!^"<>&|]/g;

export function cmdQuote(word: string): string {
  if (CMD_SAFE.test(word)) return word;
  if (/[\r\n]/.test(word)) throw new UsageError('a value with a line break cannot be written for cmd.exe (use --curl=powershell or --curl=sh)');
  return msvcQuote(word).replace(CMD_SPECIAL, '^$&');
}

/**
 * One argument as the MSVC runtime (CommandLineToArgvW) reads it back: in double quotes, `"` as
 * `\"`, and backslashes doubled where they precede a quote (also the closing one).
 */
export function msvcQuote(word: string): string {
  let out = '"';
  let backslashes = 0;
  for (const char of word) {
    if (char === '\\') {
      backslashes++;
      continue;
    }
    out += char === '"' ? `${'\\'.repeat(backslashes * 2 + 1)}"` : `${'\\'.repeat(backslashes)}${char}`;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

export function quoteFor(dialect: ShellDialect, word: string): string {
  return dialect === 'sh' ? shellQuote(word) : dialect === 'powershell' ? powershellQuote(word) : cmdQuote(word);
}

/**
 * The shell a printed command is meant for when the user does not say: sh, except on Windows,
 * where it is PowerShell when the environment shows one (it adds the user's own module folder to
 * PSModulePath) and cmd otherwise; Git Bash and MSYS set MSYSTEM or SHELL and get sh.
 */
export function defaultDialect(platform: NodeJS.Platform, env: Record<string, string | undefined>): ShellDialect {
  if (platform !== 'win32' || env['MSYSTEM'] || env['SHELL']) return 'sh';
  const home = (env['USERPROFILE'] ?? '').toLowerCase();
  const modulePaths = (env['PSModulePath'] ?? '').split(';').map((entry) => entry.toLowerCase());
  return home !== '' && modulePaths.some((entry) => entry.startsWith(home)) ? 'powershell' : 'cmd';
}

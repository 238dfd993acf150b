// How a printed curl command carries what no plain argument can: a body too long for one argument
// (Linux: 128 KiB; cmd.exe: a line of 8191 characters), a header value with Latin-1 bytes (a
// terminal would turn é into UTF-8's two bytes), and any non-ASCII text on Windows, where the
// console code page and curl.exe's ANSI argv change it. Each dialect gets a way its own shell
// runs: sh a builtin printf (no argument limit, octal escapes), PowerShell a file written from
// base64 or plain ASCII text, cmd a file of base64 lines decoded by certutil.
import { cmdQuote, powershellString, shellQuote, type ShellDialect } from './quote.js';

/** Bodies longer than this (as quoted) go through stdin or a file, never one argument (sh's limit is 128 KiB). */
export const LONG_BODY_CHARS = 100_000;
/** cmd.exe reads at most 8191 characters a line, the whole curl command included. */
export const CMD_LONG_BODY_CHARS = 4_000;

const BASE64_LINE = 76;

/** JSON with every non-ASCII character as a \uXXXX escape: the same JSON value, in ASCII only. */
export function asciiJson(json: string): string {
  return json.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function isAscii(text: string): boolean {
  return !/[^\x00-\x7f]/.test(text);
}

/** sh: one argument whose bytes are the text's Latin-1 bytes, through printf's octal escapes. */
export function shLatin1Word(text: string): string {
  const format = text.replace(/[\\%]/g, '$&$&').replace(/[^\x00-\x7f]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return `"$(printf ${shellQuote(format)})"`;
}

/** Lines that write `bytes` to a temporary file before the command, its path for curl (`@path`), and the lines that remove it after. */
export interface DataFile {
  before: string[];
  path: string;
  after: string[];
}

/** PowerShell: a temporary file holding exactly these bytes (written from base64, so the script stays ASCII). */
export function powershellBytesFile(variable: string, bytes: Buffer): DataFile {
  return {
    before: [`${variable} = New-TemporaryFile`, `[IO.File]::WriteAllBytes(${variable}.FullName, [Convert]::FromBase64String(${powershellString(bytes.toString('base64'))}))`],
    path: `"@$(${variable}.FullName)"`,
    after: [`Remove-Item ${variable}`],
  };
}

/** PowerShell: a temporary file holding this ASCII text, byte for byte (WriteAllText writes no BOM). */
export function powershellTextFile(variable: string, text: string): DataFile {
  return {
    before: [`${variable} = New-TemporaryFile`, `[IO.File]::WriteAllText(${variable}.FullName, ${powershellString(text)})`],
    path: `"@$(${variable}.FullName)"`,
    after: [`Remove-Item ${variable}`],
  };
}

/**
 * cmd: a file in %TEMP% holding exactly these bytes: base64 lines (letters, digits, + / =: nothing
 * cmd acts on) echoed into a file, redirection first so no digit before `>` is read as a handle,
 * then decoded by certutil, which every Windows has.
 */
export function cmdBytesFile(name: string, bytes: Buffer): DataFile {
  const encoded = `"%TEMP%\\${name}.b64"`;
  const decoded = `"%TEMP%\\${name}"`;
  const base64 = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += BASE64_LINE) lines.push(`${i === 0 ? '>' : '>>'}${encoded} echo ${base64.slice(i, i + BASE64_LINE)}`);
  return {
    before: [...lines, `certutil -f -decode ${encoded} ${decoded} >nul`],
    path: `"@%TEMP%\\${name}"`,
    after: [`del ${encoded} ${decoded}`],
  };
}

/** Whether a body quoted for this shell is too long to be one argument of the command. */
export function bodyTooLong(dialect: ShellDialect, body: string): boolean {
  if (dialect === 'sh') return shellQuote(body).length > LONG_BODY_CHARS;
  if (dialect === 'cmd') return cmdQuote(body).length > CMD_LONG_BODY_CHARS;
  return false;
}

// `oneoffice mock --print`: the client settings (URL and token) as one line the user's shell runs as
// it is, or as JSON for scripts. Quoting follows each shell's rules (src/quote.ts).
import { powershellString, shellQuote } from '../output/quote.js';

export const PRINT_FORMATS = ['sh', 'powershell', 'cmd', 'json'] as const;
export type PrintFormat = (typeof PRINT_FORMATS)[number];

/** `rateLimit`: --rate-limit's calls/s, in the JSON for scripts (a shell line has only what the client reads). */
export function clientSettings(format: PrintFormat, url: string, token: string, pid: number = process.pid, rateLimit?: number): string {
  const settings: Array<[string, string]> = [
    ['ONEOFFICE_URL', url],
    ['ONEOFFICE_BEARER', token],
  ];
  switch (format) {
    case 'sh':
      return `export ${settings.map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ')}\n`;
    case 'powershell':
      return `${settings.map(([name, value]) => `$env:${name} = ${powershellString(value)}`).join('; ')}\n`;
    case 'cmd':
      return `${cmdSets(settings)}\n`;
    case 'json':
      return `${JSON.stringify({ url, token, pid, ...(rateLimit === undefined ? {} : { rateLimit }) })}\n`;
  }
}

/**
 * `set "NAME=value"` keeps & | < > ^ ( ) literal; a value holding " % or ! is written unquoted with a
 * caret before every character cmd acts on (then nothing may follow it on the line, not even a
 * space, which `set` would keep: such a value is joined with a bare `&`).
 */
function cmdSets(settings: Array<[string, string]>): string {
  let line = '';
  let previousQuoted = false;
  for (const [name, value] of settings) {
    const quoted = !/["%!]/.test(value);
    const command = quoted ? `set "${name}=${value}"` : `set ${name}=${value.replace(/[()%!^"<>&|]/g, '^$&')}`;
    line += line === '' ? command : previousQuoted ? ` & ${command}` : `&${command}`;
    previousQuoted = quoted;
  }
  return line;
}

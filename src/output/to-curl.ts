// --curl[=sh|powershell|cmd]: the same call as a runnable curl command for the shell that will run
// it. Pure: CallRequest in, text out. Run as printed, it sends the same method, URL, headers and
// body byte for byte; the token is read from where it came from (an environment variable, or the
// config file through `oneoffice config get`), never written out, and every other secret (params
// marked x-secret, Authorization, Cookie) is masked unless --show-secrets.
import { displayBody, displayUrl, isCredentialHeader, type Reveal } from './printer.js';
import { maskSecret } from '../api/mask.js';
import { displayProxy } from '../http/proxy.js';
import { cmdQuote, powershellQuote, powershellString, quoteFor, shellQuote, type ShellDialect } from './quote.js';
import type { CallRequest } from '../api/request.js';

/** Headers curl sets itself (from the URL and --data) or that only undici sends. */
const LEFT_TO_CURL = new Set(['host', 'connection', 'content-length']);

/** Headers curl adds by default; when the call has none of them, curl must be told to drop its own. */
const CURL_DEFAULTS = ['Accept', 'User-Agent'];

/** Where the printed command reads the token: an environment variable, or the output of a oneoffice command. */
export type TokenSource = { variable: string } | { command: string[] };

export const DEFAULT_TOKEN_SOURCE: TokenSource = { variable: 'ONEOFFICE_BEARER' };

export interface CurlOptions extends Reveal {
  dialect?: ShellDialect;
  token?: TokenSource;
  /** The token the call carries; an x-api-key header with another value was given with -H and is printed as such. */
  tokenValue?: string;
  /** TLS and proxy settings that curl must be told about. */
  network?: { cacertPath?: string; insecure?: boolean; proxy?: URL; proxyFromFlag?: boolean; clientCert?: { certPath: string; keyPath: string; passEnv?: string } };
}

export function toCurl(call: CallRequest, options: CurlOptions): string {
  const dialect = options.dialect ?? 'sh';
  const quote = (word: string) => quoteFor(dialect, word);
  const source = options.token ?? DEFAULT_TOKEN_SOURCE;
  const words = [dialect === 'sh' ? 'curl' : 'curl.exe', '-X', call.httpMethod, quote(displayUrl(call.url, options))];
  let before = '';
  for (const [name, value] of call.headers) {
    const lower = name.toLowerCase();
    if (LEFT_TO_CURL.has(lower)) continue;
    if (lower === 'x-api-key' && !options.showSecrets && isToken(value, options) && /^[A-Za-z0-9-]+$/.test(name)) {
      const reference = tokenReference(dialect, source);
      before = reference.before;
      words.push('--header', `"${name}: ${reference.expansion}"`);
      continue;
    }
    const shown = isCredentialHeader(name) && !options.showSecrets ? maskSecret(value) : value;
    words.push('--header', quote(`${name}: ${shown}`));
  }
  for (const name of CURL_DEFAULTS) {
    if (!call.headers.some(([existing]) => existing.toLowerCase() === name.toLowerCase())) words.push('--header', quote(`${name}:`));
  }
  const network = options.network;
  if (network?.cacertPath) words.push('--cacert', quote(network.cacertPath));
  if (network?.insecure) words.push('-k');
  const client = network?.clientCert;
  if (client) {
    words.push('--cert', quote(client.certPath));
    if (client.keyPath !== client.certPath) words.push('--key', quote(client.keyPath));
    // Like the token: the variable, never the passphrase.
    if (client.passEnv) words.push('--pass', `"${tokenReference(dialect, { variable: client.passEnv }).expansion}"`);
  }
  // A proxy from the environment applies to curl by itself.
  if (network?.proxy && network.proxyFromFlag) words.push('--proxy', quote(options.showSecrets ? network.proxy.href : displayProxy(network.proxy)));
  const body = displayBody(call, options);
  if (dialect !== 'powershell') return `${before}${[...words, '--data', quote(body)].join(' ')}`;
  // Windows PowerShell 5.1 passes the double quotes inside an argument to a program unescaped, so
  // curl.exe would get JSON without its quotes. The body goes through a file instead, written as
  // UTF-8 without a BOM (what WriteAllText does), byte for byte, and removed afterwards.
  const file = '$oneofficeBody';
  return [
    `${file} = New-TemporaryFile`,
    `[IO.File]::WriteAllText(${file}.FullName, ${powershellString(body)})`,
    [...words, '--data-binary', `"@$(${file}.FullName)"`].join(' '),
    `Remove-Item ${file}`,
  ].join('; ');
}

function isToken(value: string, options: CurlOptions): boolean {
  return options.tokenValue === undefined || value === options.tokenValue;
}

/** The token as the shell expands it inside double quotes, and any line that must run first (cmd). */
function tokenReference(dialect: ShellDialect, source: TokenSource): { expansion: string; before: string } {
  if ('variable' in source) {
    const name = source.variable;
    return { expansion: dialect === 'sh' ? `\${${name}}` : dialect === 'powershell' ? `$env:${name}` : `%${name}%`, before: '' };
  }
  const words = ['oneoffice', ...source.command];
  if (dialect === 'sh') return { expansion: `$(${words.map(shellQuote).join(' ')})`, before: '' };
  if (dialect === 'powershell') return { expansion: `$(${words.map(powershellQuote).join(' ')})`, before: '' };
  // cmd has no command substitution: a `for /f` line puts the output in a variable first.
  const command = words.map((word) => (/^[A-Za-z0-9_+:./@-]+$/.test(word) ? word : cmdQuote(word))).join(' ');
  return { expansion: '%ONEOFFICE_BEARER%', before: `for /f "delims=" %t in ('${command}') do @set "ONEOFFICE_BEARER=%t"\n` };
}

/** Names of the credential headers (other than the token) that --curl masks, for the warning. */
export function maskedCurlHeaders(call: CallRequest, options: CurlOptions): string[] {
  if (options.showSecrets) return [];
  return call.headers.filter(([name, value]) => isCredentialHeader(name) && !(name.toLowerCase() === 'x-api-key' && isToken(value, options))).map(([name]) => name);
}

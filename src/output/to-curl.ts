// --curl[=sh|powershell|cmd]: the same call as a runnable curl command for the shell that will run
// it. Pure: CallRequest in, text out. Run as printed, it sends the same method, URL, headers and
// body byte for byte; the token is read from where it came from (an environment variable, or the
// config file through `oneoffice config get`), never written out, and every other secret (params
// marked x-secret, Authorization, Cookie, any header named as a credential: api/mask.ts) is masked unless --show-secrets.
import { displayBody, type Reveal } from './printer.js';
import { isCredentialHeader, maskedUrl, maskSecret } from '../api/mask.js';
import { cmdQuote, powershellQuote, quoteFor, shellQuote, type ShellDialect } from './quote.js';
import type { CallRequest } from '../api/request.js';
import { DEFAULT_TIMEOUTS } from '../config/network.js';
import { asciiJson, bodyTooLong, cmdBytesFile, isAscii, powershellBytesFile, powershellTextFile, shLatin1Word, type DataFile } from './curl-data.js';

/** Headers curl sets itself (from the URL and --data) or that only undici sends. */
const LEFT_TO_CURL = new Set(['host', 'connection', 'content-length']);

/**
 * Headers curl adds by default (Content-Type: application/x-www-form-urlencoded with a body); when
 * the call has none of them (`-H 'Content-Type:'` removed it), curl must be told to drop its own.
 */
const CURL_DEFAULTS = ['Content-Type', 'Accept', 'User-Agent'];

/** Where the printed command reads the token: an environment variable, or the output of a oneoffice command. */
export type TokenSource = { variable: string } | { command: string[] };

export const DEFAULT_TOKEN_SOURCE: TokenSource = { variable: 'ONEOFFICE_BEARER' };

export interface CurlOptions extends Reveal {
  dialect?: ShellDialect;
  token?: TokenSource;
  /** The token the call carries; an x-api-key header with another value was given with -H and is printed as such. */
  tokenValue?: string;
  /** TLS, proxy, time and retry settings that curl must be told about. */
  network?: {
    cacertPath?: string;
    insecure?: boolean;
    proxy?: URL;
    proxyFromFlag?: boolean;
    clientCert?: { certPath: string; keyPath: string; passEnv?: string };
    timeouts?: { connectMs: number; totalMs: number };
    /** Carried for reads only: curl would send a create again after a timeout, which oneoffice never does. */
    retry?: { retries: number; retryMaxTimeMs: number; retryDelayMs?: number; idempotent?: boolean };
  };
}

export function toCurl(call: CallRequest, options: CurlOptions): string {
  const dialect = options.dialect ?? 'sh';
  const quote = (word: string) => quoteFor(dialect, word);
  const source = options.token ?? DEFAULT_TOKEN_SOURCE;
  const words = [dialect === 'sh' ? 'curl' : 'curl.exe', '-X', call.httpMethod, quote(sentUrl(call.url))];
  let before = '';
  const files: DataFile[] = [];
  for (const [name, value] of call.headers) {
    const lower = name.toLowerCase();
    if (LEFT_TO_CURL.has(lower)) continue;
    if (lower === 'x-api-key' && !options.showSecrets && isToken(value, options) && /^[A-Za-z0-9-]+$/.test(name)) {
      const reference = tokenReference(dialect, source);
      before = reference.before;
      words.push('--header', `"${name}: ${reference.expansion}"`);
      continue;
    }
    const masked = isCredentialHeader(name) && !options.showSecrets;
    const shown = `${name}: ${masked ? maskSecret(value) : value}`;
    // A header carries one byte per character (Latin-1): the command must hand curl those bytes
    // (a masked one is not sent as it is anyway).
    if (masked || isAscii(shown)) words.push('--header', quote(shown));
    else if (dialect === 'sh') words.push('--header', shLatin1Word(shown));
    else {
      const file = dialect === 'powershell' ? powershellBytesFile(`$oneofficeHeader${files.length + 1}`, Buffer.from(shown, 'latin1')) : cmdBytesFile(`oneoffice-header${files.length + 1}.txt`, Buffer.from(shown, 'latin1'));
      files.push(file);
      words.push('--header', file.path);
    }
  }
  for (const name of CURL_DEFAULTS) {
    if (!call.headers.some(([existing]) => existing.toLowerCase() === name.toLowerCase())) words.push('--header', quote(`${name}:`));
  }
  words.push(...networkWords(options, dialect));
  // Windows' code pages change non-ASCII text on its way to curl.exe: the body is sent as the same
  // JSON value in ASCII (\uXXXX escapes).
  const body = dialect === 'sh' ? displayBody(call, options) : asciiJson(displayBody(call, options));
  const prefix = before;
  if (dialect === 'sh') {
    // printf is a builtin of sh, bash, dash and zsh: no argument limit applies to it.
    if (bodyTooLong(dialect, body)) return `${prefix}printf '%s' ${shellQuote(body)} | ${[...words, '--data-binary', '@-'].join(' ')}`;
    return `${prefix}${[...words, '--data', quote(body)].join(' ')}`;
  }
  if (dialect === 'cmd' && !bodyTooLong(dialect, body) && files.length === 0) return `${prefix}${[...words, '--data', quote(body)].join(' ')}`;
  if (dialect === 'cmd') {
    const bodyFile = bodyTooLong(dialect, body) ? cmdBytesFile('oneoffice-body.json', Buffer.from(body)) : undefined;
    const data = bodyFile ? ['--data-binary', bodyFile.path] : ['--data', quote(body)];
    const all = [...files, ...(bodyFile ? [bodyFile] : [])];
    return `${prefix}${[...all.flatMap((file) => file.before), [...words, ...data].join(' '), ...all.flatMap((file) => file.after)].join('\n')}`;
  }
  // Windows PowerShell 5.1 passes the double quotes inside an argument to a program unescaped, so
  // curl.exe would get JSON without its quotes. The body goes through a file instead, written as
  // ASCII (no BOM: what WriteAllText does), byte for byte, and removed afterwards.
  const bodyFile = powershellTextFile('$oneofficeBody', body);
  const all = [...files, bodyFile];
  return [...all.flatMap((file) => file.before), [...words, '--data-binary', bodyFile.path].join(' '), ...all.flatMap((file) => file.after)].join('; ');
}

/**
 * The URL as oneoffice uses it: without a user name and password, which oneoffice never sends
 * (curl would turn them into an Authorization: Basic header the call does not carry).
 */
function sentUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** What curl must be told to connect, wait and retry as oneoffice would. */
function networkWords(options: CurlOptions, dialect: ShellDialect): string[] {
  const quote = (word: string) => quoteFor(dialect, word);
  const network = options.network;
  const words: string[] = [];
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
  if (network?.proxy && network.proxyFromFlag) words.push('--proxy', quote(options.showSecrets ? network.proxy.href : maskedUrl(network.proxy)));
  const timeouts = network?.timeouts;
  if (timeouts && timeouts.connectMs !== DEFAULT_TIMEOUTS.connectMs) words.push('--connect-timeout', seconds(timeouts.connectMs));
  if (timeouts && timeouts.totalMs !== DEFAULT_TIMEOUTS.totalMs) words.push('--max-time', seconds(timeouts.totalMs));
  const retry = network?.retry;
  if (retry?.idempotent && retry.retries > 0) {
    words.push('--retry', String(retry.retries));
    if (retry.retryDelayMs !== undefined) words.push('--retry-delay', seconds(retry.retryDelayMs));
    if (retry.retryMaxTimeMs > 0) words.push('--retry-max-time', seconds(retry.retryMaxTimeMs));
  }
  return words;
}

function seconds(ms: number): string {
  return String(ms / 1000);
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

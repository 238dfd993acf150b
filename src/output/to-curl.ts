// --curl: the same call as a runnable curl command. Pure: CallRequest in, one shell line out.
// Run with BEARER set, it sends the same method, URL, headers and body byte for byte; secret
// params (passwords) are masked unless --show-secrets, like everywhere else.
import { displayBody, displayUrl, type Reveal } from './printer.js';
import { displayProxy } from '../http/proxy.js';
import { shellQuote } from './quote.js';
import type { CallRequest } from '../api/request.js';

/** Headers curl sets itself (from the URL and --data) or that only undici sends. */
const LEFT_TO_CURL = new Set(['host', 'connection', 'content-length']);

/** Headers curl adds by default; when the call has none of them, curl must be told to drop its own. */
const CURL_DEFAULTS = ['Accept', 'User-Agent'];

export interface CurlOptions extends Reveal {
  /** The environment variable holding the token in the printed command. */
  tokenVariable?: string;
  /** TLS and proxy settings that curl must be told about. */
  network?: { cacertPath?: string; insecure?: boolean; proxy?: URL; proxyFromFlag?: boolean };
}

export function toCurl(call: CallRequest, options: CurlOptions): string {
  const variable = options.tokenVariable ?? 'BEARER';
  const words = ['curl', '-X', call.httpMethod, shellQuote(displayUrl(call.url, options))];
  for (const [name, value] of call.headers) {
    const lower = name.toLowerCase();
    if (LEFT_TO_CURL.has(lower)) continue;
    // "${BEARER}" in double quotes: the shell expands it, nothing else in it is special.
    const header = lower === 'x-api-key' && !options.showSecrets ? `"${name}: \${${variable}}"` : shellQuote(`${name}: ${value}`);
    words.push('--header', header);
  }
  for (const name of CURL_DEFAULTS) {
    if (!call.headers.some(([existing]) => existing.toLowerCase() === name.toLowerCase())) words.push('--header', shellQuote(`${name}:`));
  }
  const network = options.network;
  if (network?.cacertPath) words.push('--cacert', shellQuote(network.cacertPath));
  if (network?.insecure) words.push('-k');
  // A proxy from the environment applies to curl by itself.
  if (network?.proxy && network.proxyFromFlag) words.push('--proxy', shellQuote(options.showSecrets ? network.proxy.href : displayProxy(network.proxy)));
  words.push('--data', shellQuote(displayBody(call, options)));
  return words.join(' ');
}

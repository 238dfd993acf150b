// Which proxy a URL goes through: --proxy, else HTTPS_PROXY/https_proxy or HTTP_PROXY/http_proxy by
// the URL's scheme, unless NO_PROXY/no_proxy matches the host. The same rules as undici's
// EnvHttpProxyAgent and curl, decided here so -v, --curl and error messages can name the proxy.
import type { Env } from '../api/env.js';
import { UsageError } from '../api/errors.js';
import { aboutSetting } from '../api/settings.js';
import { portOf } from './network-errors.js';
import { breaksInsideUrl } from '../api/url-text.js';
import { proxyBasicCredential } from '../api/mask.js';
import { requestTarget } from '../api/request.js';

/** `chosen`: the proxy the caller set ('' for none), named `source` in a message. */
export function proxyFor(url: URL, env: Env, chosen?: string, source = 'proxy'): URL | undefined {
  if (chosen !== undefined) return chosen === '' ? undefined : parseProxy(chosen, source, true);
  const names = url.protocol === 'https:' ? PROXY_VARIABLES['https:'] : PROXY_VARIABLES['http:'];
  const name = names.find((key) => env[key]);
  if (!name) return undefined;
  if (bypassed(url, env['no_proxy'] ?? env['NO_PROXY'] ?? '')) return undefined;
  return parseProxy(env[name] as string, `$${name}`);
}

/** The names of the variables a proxy may come from, as curl reads them. */
const PROXY_VARIABLES = { 'https:': ['https_proxy', 'HTTPS_PROXY'], 'http:': ['http_proxy', 'HTTP_PROXY'] } as const;

/**
 * Every proxy a command's calls may go through, whatever their URL: those `chosen` (--proxy, the
 * profile's) and those the environment names. Their passwords are secrets whichever is used.
 */
export function possibleProxies(env: Env, chosen: readonly (string | undefined)[]): URL[] {
  const texts = [...chosen, ...[...PROXY_VARIABLES['https:'], ...PROXY_VARIABLES['http:']].map((name) => env[name])];
  return texts.flatMap((text) => (text ? (proxyUrl(text) ?? []) : []));
}

/** A proxy setting as a URL (curl accepts a bare host:port; so do we), or undefined when it is no http:// or https:// URL. */
function proxyUrl(text: string): URL | undefined {
  const written = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  const url = URL.canParse(written) ? new URL(written) : undefined;
  return url?.protocol === 'http:' || url?.protocol === 'https:' ? url : undefined;
}

function parseProxy(text: string, source: string, chosen = false): URL {
  const url = proxyUrl(text);
  if (url && !breaksInsideUrl(text)) return url;
  const error = new UsageError(`${source}: not a valid http:// or https:// proxy URL`, 'E_BAD_PROXY');
  throw chosen ? aboutSetting(error, 'proxy') : error;
}

/** NO_PROXY entries: `*`, host names (matching subdomains too), `.suffix`, optionally with `:port`. */
export function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = portOf(url);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const match = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\](?=:|$)/g, '')) as RegExpExecArray;
    const [entryHost, entryPort] = [(match[1] as string).replace(/^\*?\./, ''), match[2]];
    if (entryPort && entryPort !== port) continue;
    if (host === entryHost || host.endsWith(`.${entryHost}`)) return true;
  }
  return false;
}

/**
 * How a call goes through its proxy, as undici's ProxyAgent (proxyTunnel: false) sends it, for -v:
 * a plain http:// call through an http:// proxy is forwarded whole (the absolute URL its target),
 * any other goes through a CONNECT tunnel. A user and a password in the proxy's URL go as a Basic
 * Proxy-Authorization on what the proxy reads: the forwarded request, or the CONNECT.
 */
export type ProxyRoute =
  | { kind: 'forward'; target: string; authorization?: string }
  | { kind: 'tunnel'; authority: string; host: string; authorization?: string };

export function proxyRoute(url: URL, proxy: URL): ProxyRoute {
  const credential = proxyBasicCredential(proxy);
  const authorization = credential === undefined ? {} : { authorization: `Basic ${credential}` };
  if (url.protocol === 'http:' && proxy.protocol === 'http:') return { kind: 'forward', target: `${url.origin}${requestTarget(url)}`, ...authorization };
  return { kind: 'tunnel', authority: `${url.hostname}:${portOf(url)}`, host: url.host, ...authorization };
}

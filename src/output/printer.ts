// Pure formatters for a call as data: the request as --dry-run and -v show it, the response head
// as -v shows it. Secrets (the token, credential headers, x-secret params) are masked unless the
// user asked for them.
import type { ResponseHead } from '../http/exchange.js';
import type { ProxyRoute } from '../http/proxy.js';
import { isCredentialHeader, maskPaths, maskSecret } from '../api/mask.js';
import { prettyJson, type JsonPalette } from './pretty-json.js';
import { requestTarget, type CallRequest } from '../api/request.js';
import { visibleControls } from './controls.js';

export interface Reveal {
  showSecrets: boolean;
}

export function displayHeaders(call: CallRequest, reveal: Reveal): Array<[string, string]> {
  if (reveal.showSecrets) return call.headers;
  return call.headers.map(([name, value]) => [name, isCredentialHeader(name) ? maskSecret(value) : value]);
}

export function displayParams(call: CallRequest, reveal: Reveal): Record<string, unknown> {
  return reveal.showSecrets ? call.params : maskPaths(call.params, call.secretPaths);
}

/** The body as sent, with secret params masked. */
export function displayBody(call: CallRequest, reveal: Reveal): string {
  if (reveal.showSecrets || call.secretPaths.length === 0) return call.body;
  return JSON.stringify({ method: call.apiMethod, params: displayParams(call, reveal) });
}

export function requestLine(call: CallRequest): string {
  return `${call.httpMethod} ${requestTarget(call.url)} HTTP/1.1`;
}

/** --dry-run: the request as it would go on the wire (secrets masked), then a newline. */
export function formatDryRun(call: CallRequest, reveal: Reveal): string {
  const head = [requestLine(call), ...displayHeaders(call, reveal).map(([name, value]) => `${name}: ${value}`)];
  return `${head.join('\n')}\n\n${displayBody(call, reveal)}\n`;
}

/**
 * -v: `> ` lines for the request line and headers, a `>` line, then the body as pretty JSON. A call
 * a proxy forwards (`route`) goes with the absolute URL as its target and the proxy's credential
 * after the headers undici writes first (host, connection), as it goes on the wire.
 */
export function verboseRequestLines(call: CallRequest, reveal: Reveal, palette?: JsonPalette, route?: ProxyRoute): string[] {
  // A copy: with --show-secrets, displayHeaders hands back the call's own.
  const headers = [...displayHeaders(call, reveal)];
  const forwarded = route?.kind === 'forward' ? route : undefined;
  if (forwarded?.authorization !== undefined) {
    const first = headers.findIndex(([name]) => !WRITTEN_FIRST.has(name.toLowerCase()));
    headers.splice(first === -1 ? headers.length : first, 0, proxyAuthorization(forwarded.authorization, reveal));
  }
  return [
    `> ${forwarded ? `${call.httpMethod} ${forwarded.target} HTTP/1.1` : requestLine(call)}`,
    ...headers.map(([name, value]) => `> ${name}: ${value}`),
    '>',
    ...prettyJson({ method: call.apiMethod, params: displayParams(call, reveal) }, palette).split('\n'),
  ];
}

/** Headers undici writes before those it is given. */
const WRITTEN_FIRST = new Set(['host', 'connection']);

/** -v: the CONNECT that opens a tunnel through the proxy, as undici writes it, then a `>` line. */
export function verboseConnectLines(route: Extract<ProxyRoute, { kind: 'tunnel' }>, reveal: Reveal): string[] {
  const headers: Array<[string, string]> = [['host', route.host], ['connection', 'close']];
  if (route.authorization !== undefined) headers.push(proxyAuthorization(route.authorization, reveal));
  headers.push(['proxy-connection', 'keep-alive']);
  return [`> CONNECT ${route.authority} HTTP/1.1`, ...headers.map(([name, value]) => `> ${name}: ${value}`), '>'];
}

/** The proxy's credential as undici names it; masked whole (the end of a Basic credential is the end of the password). */
function proxyAuthorization(value: string, reveal: Reveal): [string, string] {
  return ['proxy-authorization', reveal.showSecrets ? value : '****'];
}

export type { ResponseHead };

/** -v: `< ` lines for the status line and every response header, then a `<` line. */
export function verboseResponseLines(head: ResponseHead): string[] {
  // The server's words go to a terminal: control characters are shown, not obeyed.
  const reason = head.reason === undefined ? head.statusText : visibleControls(head.reason);
  // The answer's own HTTP version, as curl -v shows it (an HTTP/1.0 server's answer says 1.0).
  const lines = [`< HTTP/${head.httpVersion ?? '1.1'} ${head.status} ${reason}`.trimEnd()];
  // Each line as the server wrote it, its name's case and order kept, as curl -v shows it; the
  // lower-cased names only when a transport gave no more.
  const raw = head.rawHeaders;
  if (raw) for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`< ${raw[i] as string}: ${raw[i + 1] as string}`);
  else {
    for (const [name, value] of Object.entries(head.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) lines.push(`< ${name}: ${item}`);
    }
  }
  lines.push('<');
  return lines;
}

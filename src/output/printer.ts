// Pure formatters for a call as data: the request as --dry-run and -v show it, the response head
// as -v shows it. Secrets (the token, credential headers, x-secret params) are masked unless the
// user asked for them.
import type { ResponseHead } from '../http/exchange.js';
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

/** -v: `> ` lines for the request line and headers, a `>` line, then the body as pretty JSON. */
export function verboseRequestLines(call: CallRequest, reveal: Reveal, palette?: JsonPalette): string[] {
  return [
    `> ${requestLine(call)}`,
    ...displayHeaders(call, reveal).map(([name, value]) => `> ${name}: ${value}`),
    '>',
    ...prettyJson({ method: call.apiMethod, params: displayParams(call, reveal) }, palette).split('\n'),
  ];
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

// The facts -w reports about one call, gathered from the call as data and what the transport
// reported (http/timings.ts): sizes counted as curl counts them, and the URLs with a password
// masked, as -v, --curl and error lines mask it. Loaded with -w only.
import type { CallRequest } from '../api/request.js';
import { maskUrlPassword } from '../api/mask.js';
import type { ResponseHead } from '../http/exchange.js';
import type { CallTimings } from '../http/timings.js';
import type { WriteOutFacts } from './write-out-values.js';

export interface Outcome {
  exitCode: number;
  /** Empty when the call succeeded. */
  errorMessage: string;
  /** The URL as given. */
  urlText: string;
  showSecrets: boolean;
  /** Masks the known secrets (the token) in text. */
  redact: (text: string) => string;
}

export function callFacts(call: CallRequest, timings: CallTimings, outcome: Outcome): WriteOutFacts {
  const head = timings.head;
  const sent = timings.remote !== undefined;
  return {
    httpCode: timings.status,
    timings: timings.seconds(call.url.protocol === 'https:'),
    timePretransfer: timings.pretransferSeconds(),
    sizeDownload: timings.bytes,
    numRetries: Math.max(0, timings.attempts - 1),
    exitCode: outcome.exitCode,
    errorMessage: outcome.redact(outcome.errorMessage),
    url: shownUrl(outcome.urlText, outcome),
    urlEffective: shownUrl(call.url.href, outcome),
    ...redirectUrl(call.url, head, outcome),
    method: call.httpMethod,
    scheme: call.url.protocol === 'https:' ? 'HTTPS' : 'HTTP',
    ...(timings.remote ? { remote: timings.remote } : {}),
    ...(timings.local ? { local: timings.local } : {}),
    ...(head ? { httpVersion: head.httpVersion ?? '1.1' } : {}),
    // A server may echo the token in a header: masked here as -v masks it.
    headers: head ? redactHeaders(head.headers, outcome.redact) : {},
    sizeHeader: head ? headSize(head) : 0,
    sizeRequest: sent ? requestSize(call) : 0,
    sizeUpload: sent ? Buffer.byteLength(call.body) : 0,
    numConnects: timings.connects,
  };
}

/**
 * curl's %{redirect_url}: where a 3xx answer with a Location would lead, resolved against the URL
 * used (curl follows no redirect unless told, nor do we). Nothing for any other answer, or a
 * Location that is empty or no URL, as curl.
 */
function redirectUrl(used: URL, head: ResponseHead | undefined, outcome: Outcome): { redirectUrl?: string } {
  if (!head || head.status < 300 || head.status > 399) return {};
  const values = head.headers['location'];
  const location = Array.isArray(values) ? values[0] : values;
  if (!location) return {};
  if (!URL.canParse(location, used.href)) return {};
  return { redirectUrl: shownUrl(new URL(location, used).href, outcome) };
}

/** A URL as -w shows it: its password masked unless --show-secrets, and any secret the call knows masked. */
function shownUrl(text: string, outcome: Outcome): string {
  return outcome.redact(outcome.showSecrets ? text : maskUrlPassword(text));
}

/** Bytes of the answer's status line, headers and blank line as they came (curl's size_header). */
function headSize(head: ResponseHead): number {
  let size = Buffer.byteLength(`HTTP/${head.httpVersion ?? '1.1'} ${head.status} ${head.reason ?? head.statusText}\r\n\r\n`, 'latin1');
  for (const [name, values] of Object.entries(head.headers)) {
    for (const value of values === undefined ? [] : Array.isArray(values) ? values : [values]) size += Buffer.byteLength(`${name}: ${value}\r\n`, 'latin1');
  }
  return size;
}

/** Bytes of the request as sent: request line, headers, blank line and body (curl's size_request). */
function requestSize(call: CallRequest): number {
  const head = `${call.httpMethod} ${call.url.pathname}${call.url.search} HTTP/1.1\r\n${call.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return Buffer.byteLength(head, 'latin1') + Buffer.byteLength(call.body);
}

function redactHeaders(headers: ResponseHead['headers'], redact: (text: string) => string): ResponseHead['headers'] {
  const copy: ResponseHead['headers'] = {};
  for (const [name, values] of Object.entries(headers)) copy[name] = values === undefined ? undefined : Array.isArray(values) ? values.map(redact) : redact(values);
  return copy;
}

// The call as data: everything that goes on the wire, built before anything is sent, so that
// printers (-v, --dry-run, --curl) show exactly what the transport sends.
import { ConfigError, UsageError } from './errors.js';
import type { Params } from './params.js';

declare const __ONEOFFICE_VERSION__: string;
export const VERSION: string = typeof __ONEOFFICE_VERSION__ === 'string' ? __ONEOFFICE_VERSION__ : '0.0.0-dev';
export const USER_AGENT = `oneoffice/${VERSION}`;

export interface CallRequest {
  httpMethod: 'GET';
  url: URL;
  /**
   * In the order and spelling they go on the wire, including host, connection and content-length
   * (node:http is given them all; undici sets connection itself), so printers show exactly what is sent.
   */
  headers: Array<[string, string]>;
  body: string;
  apiMethod: string;
  params: Params;
  /** Params paths whose values are secret (from the schema's x-secret). */
  secretPaths: string[][];
}

/** Headers the HTTP layer owns; -H cannot change them. */
const SET_BY_TRANSPORT = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);

/** Headers undici adds itself and refuses to be given. */
export const ADDED_BY_UNDICI = new Set(['connection']);

export interface CallSpec {
  url: URL;
  token: string;
  apiMethod: string;
  params: Params;
  extraHeaders?: readonly string[];
  secretPaths?: string[][];
}

/** `-H "Name: value"` lines to [name, value]; `Name:` with no value means remove that header. */
export function parseHeaderLines(lines: readonly string[]): Array<[string, string | undefined]> {
  return lines.map((line, index) => {
    // A header is often a credential (`-H 'X-Secret tok'`): a malformed one is named by its place, never repeated.
    const which = lines.length > 1 ? `--header (the ${ordinal(index + 1)})` : '--header';
    const colon = line.indexOf(':');
    if (colon < 0) throw new UsageError(`${which}: has no colon; write it as "Name: value" (not repeated here: it may hold a secret)`, 'E_BAD_HEADER');
    const name = line.slice(0, colon).trim();
    if (name === '') throw new UsageError(`${which}: has no name before its colon; write it as "Name: value"`, 'E_BAD_HEADER');
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`${which}: the name before the colon may hold only letters, digits and !#$%&'*+-.^_\`|~ (not repeated here: it may hold a secret)`, 'E_BAD_HEADER');
    const value = line.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) throw new UsageError(`--header: ${name} value must not contain line breaks`, 'E_BAD_HEADER');
    if (!sendableInHeader(value)) throw new UsageError(`--header: ${name} value ${NOT_SENDABLE}`, 'E_BAD_HEADER');
    return [name, value === '' ? undefined : value];
  });
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

const NOT_SENDABLE = 'may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character)';

/** What HTTP lets a header value carry: tab, printable ASCII and obs-text (undici's and Node's own check). */
function sendableInHeader(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
}

export function buildCall(spec: CallSpec): CallRequest {
  return callBuilder(spec)(spec.apiMethod, spec.params, spec.secretPaths);
}

/** The calls of one target: what is the same for all of them (the token's check, the headers) is done once. */
export type CallBuilder = (apiMethod: string, params: Params, secretPaths?: string[][]) => CallRequest;

/**
 * For many calls to one target (a batch): the token and the -H lines are checked and the headers
 * put in order once, here, with the same errors as buildCall; each call then only adds its body.
 */
export function callBuilder(spec: Omit<CallSpec, 'apiMethod' | 'params' | 'secretPaths'>): CallBuilder {
  // Never quoted: it is the secret.
  if (!sendableInHeader(spec.token)) throw new ConfigError(`the API token ${NOT_SENDABLE}; check where it comes from (--bearer, $ONEOFFICE_BEARER, $BEARER or the config file)`, 'E_BAD_TOKEN');
  const headers: Array<[string, string]> = [
    ['host', spec.url.host],
    ['connection', 'keep-alive'],
    ['x-api-key', spec.token],
    ['Content-Type', 'application/json'],
    ['Accept', 'application/json'],
    ['User-Agent', USER_AGENT],
  ];
  for (const [name, value] of parseHeaderLines(spec.extraHeaders ?? [])) {
    const index = headers.findIndex(([existing]) => existing.toLowerCase() === name.toLowerCase());
    if (SET_BY_TRANSPORT.has(name.toLowerCase())) {
      throw new UsageError(`--header: ${name} is set by oneoffice and cannot be changed`, 'E_BAD_HEADER');
    }
    if (value === undefined) {
      if (index !== -1) headers.splice(index, 1);
    } else if (index !== -1) {
      headers[index] = [name, value];
    } else {
      headers.push([name, value]);
    }
  }
  const { url } = spec;
  return (apiMethod, params, secretPaths = []) => {
    const body = JSON.stringify({ method: apiMethod, params });
    return { httpMethod: 'GET', url, headers: [...headers, ['content-length', String(Buffer.byteLength(body))]], body, apiMethod, params, secretPaths };
  };
}

/** The path and query as sent on the request line. */
export function requestTarget(url: URL): string {
  return `${url.pathname}${url.search}`;
}

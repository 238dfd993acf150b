// The call as data: everything that goes on the wire, built before anything is sent, so that
// printers (-v, --dry-run, --curl) show exactly what the transport sends.
import { ConfigError, ValidationError } from './errors.js';
import { readHeaderLines, tokenProblem, type HeaderEdit } from './header-lines.js';
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

/** Headers undici adds itself and refuses to be given. */
export const ADDED_BY_UNDICI = new Set(['connection']);

/** A call as the library's buildCall takes it: -H lines as typed, read here by the one check (header-lines.ts). */
export interface CallSpec {
  url: URL;
  token: string;
  apiMethod: string;
  params: Params;
  extraHeaders?: readonly string[];
  secretPaths?: string[][];
}

/** Where the calls of a run go, and with which extra headers: -H lines already read (header-lines.ts) where they were given. */
export interface CallTarget {
  url: URL;
  token: string;
  headers?: readonly HeaderEdit[];
}

/** The library's: every bad -H line at once, in one ValidationError with -H's own code. */
export function buildCall(spec: CallSpec): CallRequest {
  const { edits, problems } = readHeaderLines(spec.extraHeaders ?? []);
  if (problems.length) throw new ValidationError(problems, 'E_BAD_HEADER');
  return callBuilder({ url: spec.url, token: spec.token, headers: edits })(spec.apiMethod, spec.params, spec.secretPaths);
}

/** The calls of one target: what is the same for all of them (the token's check, the headers) is done once. */
export type CallBuilder = (apiMethod: string, params: Params, secretPaths?: string[][]) => CallRequest;

/**
 * For many calls to one target (a batch): the token is checked and the headers put in order once,
 * here, with the same errors as buildCall; each call then only adds its body.
 */
export function callBuilder(spec: CallTarget): CallBuilder {
  // Never quoted: it is the secret.
  const problem = tokenProblem(spec.token);
  if (problem !== undefined) throw new ConfigError(`${problem}; check where it comes from (--bearer, $ONEOFFICE_BEARER, $BEARER or the config file)`, 'E_BAD_TOKEN');
  const headers: Array<[string, string]> = [
    ['host', spec.url.host],
    ['connection', 'keep-alive'],
    ['x-api-key', spec.token],
    ['Content-Type', 'application/json'],
    ['Accept', 'application/json'],
    ['User-Agent', USER_AGENT],
  ];
  // Read and checked where they were given (the CLI's flags, the library's option): every bad line
  // was reported there with the other problems.
  for (const [name, value] of spec.headers ?? []) {
    const index = headers.findIndex(([existing]) => existing.toLowerCase() === name.toLowerCase());
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

// Maps the errors Node and undici raise to one-line messages naming the host and the cause.
// Works on error codes only, so it does not load undici.
import { ExitCode, isOneOfficeError, NetworkError, OneOfficeError, TimeoutError } from '../api/errors.js';
import { aboutSetting, OPTION_NAMES, type SettingNames } from '../api/settings.js';

const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    // undici's wrappers: the cause says what happened.
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR_PRX_TLS') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return (error as { code?: string }).code;
}

/** The port a URL connects to, its scheme's default when it names none. */
export function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Where a URL's calls connect: its host, an IPv6 address without its brackets, and its port. The one reading of it for the connections oneoffice opens itself. */
export function endpointOf(url: URL): { host: string; port: number } {
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(portOf(url)) };
}

function hostPortOf(url: URL): string {
  return `${url.hostname}:${portOf(url)}`;
}

/** maxTimeMs (--max-time) passed before the whole answer arrived; `names`: the caller's words for it. */
export function maxTimeError(url: URL, totalMs: number, cause: unknown, names: SettingNames = OPTION_NAMES): TimeoutError {
  return aboutSetting(new TimeoutError(`no complete answer from ${url.host} within ${totalMs / 1000} s (${names.maxTimeMs})`, 'E_MAX_TIME', { cause }), 'maxTimeMs');
}

export function connectTimeoutError(url: URL, cause?: unknown): TimeoutError {
  return aboutSetting(new TimeoutError(`cannot connect to ${hostPortOf(url)}: connect timed out`, 'E_CONNECT_TIMEOUT', { cause }), 'connectTimeoutMs');
}

function trustHint(names: SettingNames): string {
  return `if you trust it, pass ${names.cacert} <CA bundle> (or set NODE_EXTRA_CA_CERTS); ${names.insecure} skips the check (unsafe)`;
}

/** Failures of connecting to the proxy, marked so by the transport (undici-transport.ts). */
const AT_PROXY = new WeakSet<object>();

/** `error`, marked as a failure of the connection to the proxy. */
export function markedAtProxy<E>(error: E): E {
  if (typeof error === 'object' && error !== null) AT_PROXY.add(error);
  return error;
}

function isAtProxy(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) if (AT_PROXY.has(current as object)) return true;
  return false;
}

/** `names`: how the caller names its settings in the advice some messages give. */
export function toNetworkError(error: unknown, url: URL, proxy?: URL, names: SettingNames = OPTION_NAMES): OneOfficeError {
  if (isOneOfficeError(error)) return error;
  const code = codeOf(error);
  if (proxy) {
    const proxyError = toProxyError(error, code, proxy);
    if (proxyError) return proxyError;
    // The connection to the proxy failed (an https:// proxy's certificate, a reset), or the proxy
    // forwards the call (plain http:// through an http:// proxy: the only connection is to it): the
    // words for a server's, naming the proxy.
    const forwarded = url.protocol === 'http:' && proxy.protocol === 'http:';
    if (forwarded || isAtProxy(error)) return byCode(error, code, proxy, `proxy ${hostPortOf(proxy)}`, names);
  }
  return byCode(error, code, url, hostPortOf(url), names);
}

/** `hostPort`: how the messages name where it failed ("api.example.com:443", "proxy proxy.corp:3128"). */
function byCode(error: unknown, code: string | undefined, url: URL, hostPort: string, names: SettingNames): OneOfficeError {
  const options = { cause: error };
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError(`cannot connect to ${hostPort}: connection refused`, 'E_CONNREFUSED', options);
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return new NetworkError(`cannot resolve host ${url.hostname}`, 'E_DNS', options);
    case 'EAI_AGAIN':
      return new NetworkError(`cannot resolve host ${url.hostname} (temporary DNS failure)`, 'E_DNS_TEMPORARY', options);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new NetworkError(`connection to ${hostPort} was reset`, 'E_CONNRESET', options);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetworkError(`cannot connect to ${hostPort}: host unreachable`, 'E_UNREACHABLE', options);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return connectTimeoutError(url, error);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return new TimeoutError(`${hostPort} did not answer in time`, 'E_TIMEOUT', options);
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new NetworkError(`TLS: the certificate of ${hostPort} is not valid for ${url.hostname}`, 'E_TLS_HOSTNAME', options);
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_HTTP_REQUEST':
      return notTls(hostPort, options);
    case 'CERT_HAS_EXPIRED':
      return new NetworkError(`TLS: the certificate of ${hostPort} has expired`, 'E_TLS_EXPIRED', options);
    // The server asked for a client certificate and got none (TLS 1.3 says so; 1.2 fails the handshake).
    case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
      return new NetworkError(`TLS: ${hostPort} requires a client certificate; give one with ${names.cert} <file> (and ${names.key} <file>)`, 'E_TLS_CLIENT_CERT', options);
    case 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA':
    case 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE':
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN':
    case 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE':
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED':
      return new NetworkError(`TLS: ${hostPort} did not accept the client certificate (${code})`, 'E_TLS_CLIENT_CERT', options);
    case 'HPE_HEADER_OVERFLOW':
    case 'UND_ERR_HEADERS_OVERFLOW':
      return new NetworkError(`${hostPort} answered with headers over 16 KiB, more than a client accepts`, 'E_PROTOCOL', options);
    default:
      // node:http's parser errors (undici says "Response does not match the HTTP/1.1 protocol").
      if (code?.startsWith('HPE_') || /does not match the HTTP\/1\.1 protocol/.test((error as Error)?.message ?? '')) {
        return new NetworkError(`${hostPort} answered with something that is not HTTP/1.1 (${code ?? 'invalid response'}); is the URL's port an HTTP server?`, 'E_PROTOCOL', options);
      }
      // node:http reports what OpenSSL says only in the message: "write EPROTO ...:wrong version number:...".
      if (code === 'EPROTO' && /wrong version number|packet length too long|http request/.test(messageOf(error))) return notTls(hostPort, options);
      if (code?.startsWith('ERR_SSL_') || code === 'EPROTO') {
        return new NetworkError(`TLS: the handshake with ${hostPort} failed (${opensslReason(error) ?? 'the server broke it off'})`, 'E_TLS_HANDSHAKE', options);
      }
      if (code && TLS_TRUST_CODES.has(code)) {
        return new NetworkError(`TLS: the certificate of ${hostPort} is not trusted (${code}); ${trustHint(names)}`, 'E_TLS_UNTRUSTED', options);
      }
      return new NetworkError(`request to ${hostPort} failed: ${code ?? (error as Error)?.message ?? String(error)}`, 'E_NETWORK', options);
  }
}

/** https:// to a port that speaks plain HTTP: OpenSSL reads "HTTP/1.1 400" as a broken TLS record. */
function notTls(hostPort: string, options: { cause: unknown }): NetworkError {
  return new NetworkError(`TLS: ${hostPort} did not answer in TLS: is it a plain http:// port? (use http://, or the port that serves https://)`, 'E_TLS_NOT_TLS', options);
}

function messageOf(error: unknown): string {
  let text = '';
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) text += ` ${(current as Error).message ?? ''}`;
  return text;
}

/** OpenSSL's words for the failure ("tlsv1 alert protocol version"), without its codes and source paths. */
function opensslReason(error: unknown): string | undefined {
  const reason = (error as { reason?: unknown }).reason;
  if (typeof reason === 'string' && reason !== '') return reason;
  return /:SSL routines:[^:]*:([^:]+):/.exec(messageOf(error))?.[1];
}

/**
 * What the proxy answered instead of passing the call on, from undici's words: a CONNECT refused
 * ("Proxy response (403) !== 200 when HTTP Tunneling"), or a 407 to a call it forwards, which
 * undici reports as an invalid argument ("Proxy Authentication Required (407)").
 */
function proxyAnswerOf(error: unknown, code: string | undefined): number | undefined {
  const message = (error as Error | undefined)?.message ?? '';
  const tunnel = /Proxy response \((\d+)\)/.exec(message);
  if (tunnel) return Number(tunnel[1]);
  return code === 'UND_ERR_INVALID_ARG' && /^Proxy Authentication Required \(407\)/.test(message) ? 407 : undefined;
}

/**
 * Failures reaching the proxy, or the proxy refusing to pass the call on. A network error (exit 6),
 * as curl's "CONNECT tunnel failed" is: the API server never saw the call, and exit 4 means it answered.
 */
function toProxyError(error: unknown, code: string | undefined, proxy: URL): OneOfficeError | undefined {
  const where = `proxy ${hostPortOf(proxy)}`;
  const options = { cause: error };
  const answer = proxyAnswerOf(error, code);
  if (answer === 407) {
    // Named by host and port only: the proxy URL's user name and password are never shown.
    const advice = proxy.username || proxy.password ? 'it refused the user name and password of the proxy URL' : 'it wants a user name and password: put them in the proxy URL (http://user:password@host:port)';
    return new NetworkError(`${where} answered 407 Proxy Authentication Required: ${advice}`, 'E_PROXY_AUTH', options);
  }
  if (answer !== undefined) return new NetworkError(`${where} refused to connect to the server (answered ${answer})`, 'E_PROXY_TUNNEL', options);
  const address = (error as { address?: string; port?: number }).address;
  const port = (error as { port?: number }).port;
  const atProxy = address === undefined || String(port) === portOf(proxy);
  if (!atProxy) return undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError(`cannot connect to ${where}: connection refused`, 'E_PROXY_CONNECT', options);
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return new NetworkError(`cannot resolve ${where}`, 'E_PROXY_DNS', options);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return aboutSetting(new TimeoutError(`cannot connect to ${where}: connect timed out`, 'E_CONNECT_TIMEOUT', options), 'connectTimeoutMs');
    default:
      return undefined;
  }
}

/** The caller's AbortSignal fired: the call was abandoned (it may or may not have reached the server). */
export function abortedError(): OneOfficeError {
  return new OneOfficeError('the call was aborted', 'E_ABORTED', ExitCode.interrupted);
}

// Secrets are shown as `****` plus, for long ones only, their last four characters: enough to tell
// two tokens apart, never enough to use one.
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `****…${secret.slice(-4)}` : '****';
}

/** A copy of params with the values at the given paths masked (strings) or replaced. */
export function maskPaths(params: Record<string, unknown>, paths: readonly string[][], mask: (secret: string) => string = maskSecret): Record<string, unknown> {
  if (paths.length === 0) return params;
  const copy = structuredClone(params);
  for (const path of paths) {
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[key];
    const last = path[path.length - 1] as string;
    if (typeof node === 'object' && node !== null && last in node) {
      const record = node as Record<string, unknown>;
      record[last] = typeof record[last] === 'string' ? mask(record[last]) : '****';
    }
  }
  return copy;
}

/** A URL to show: its password masked (`https://user:****@host/`), the URL itself unchanged. */
export function maskedUrl(url: URL): string {
  if (!url.password) return url.href;
  const copy = new URL(url.href);
  copy.password = '****';
  return copy.href;
}

/**
 * A URL as typed (also a bare `user:pass@host:port` proxy, or text that is no valid URL at all)
 * with the password of its user info replaced by `****`, the rest unchanged.
 */
export function maskUrlPassword(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  const rest = text.slice(scheme.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  const colon = authority.indexOf(':');
  if (at !== -1 && colon !== -1 && colon < at) return `${scheme}${authority.slice(0, colon + 1)}****${rest.slice(at)}`;
  // Text that is no URL (`http//user:pass@host`): whatever lies between a ':' and the last '@'.
  const lastAt = rest.lastIndexOf('@');
  const firstColon = rest.indexOf(':');
  if (lastAt === -1 || firstColon === -1 || firstColon > lastAt || URL.canParse(text)) return text;
  return `${scheme}${rest.slice(0, firstColon + 1)}****${rest.slice(lastAt)}`;
}

/**
 * Header names whose values are credentials: masked in printed requests, and searched for in what
 * comes back. The API's own (x-api-key), HTTP's (Authorization, Proxy-Authorization, Cookie), and any
 * whose name says it holds one (X-Auth-Token, X-Amz-Security-Token, X-Session-Id, X-Client-Secret):
 * masking a harmless one costs less than printing a key.
 */
const CREDENTIAL_NAME = /api[-_]?key|auth|token|secret|passw|session|cookie|credential/;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_NAME.test(name.toLowerCase());
}

/**
 * The credentials a call carries besides the token and its secret params, to mask wherever they come
 * back as the token is: each credential header's value (`-H 'X-Api-Key: ...'`, the library's
 * `headers`), whole and in its parts a server may quote alone (the credential after an
 * Authorization's scheme, each cookie's value), and a proxy's password, as typed and as the Basic
 * credential it is sent in (`Proxy-Authorization`, as undici writes it).
 */
export function sentCredentials(headers: readonly (readonly [string, string | undefined])[], proxies: readonly (URL | undefined)[]): string[] {
  const found: string[] = [];
  for (const [name, value] of headers) {
    if (value === undefined || !isCredentialHeader(name)) continue;
    const parts = name.toLowerCase() === 'cookie' ? value.split(';').map((cookie) => cookie.slice(cookie.indexOf('=') + 1)) : [value.replace(/^\S+\s+/, '')];
    found.push(value, ...parts.map((part) => part.trim()));
  }
  for (const proxy of proxies) {
    if (!proxy?.password) continue;
    found.push(decodedUrlPart(proxy.password));
    const basic = proxyBasicCredential(proxy);
    if (basic !== undefined) found.push(basic);
  }
  return [...new Set(found)];
}

/**
 * The Basic credential a proxy URL's user and password go as in its Proxy-Authorization (undici
 * sends one only when the URL has both); undefined without.
 */
export function proxyBasicCredential(proxy: URL): string | undefined {
  if (!proxy.username || !proxy.password) return undefined;
  return Buffer.from(`${decodedUrlPart(proxy.username)}:${decodedUrlPart(proxy.password)}`).toString('base64');
}

/** A URL's user or password as sent (percent escapes decoded), or as it is when an escape is broken. */
function decodedUrlPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Values shorter than this are not searched for in text: masking "abc" everywhere would garble it. */
export const MIN_SECRET_CHARS = 4;

/**
 * The forms a secret takes in text: as it is, and escaped inside a JSON string (a password with `"`
 * or `\` appears so in a body the server echoes it in).
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_CHARS) return [];
  const escaped = JSON.stringify(secret).slice(1, -1);
  return escaped === secret ? [secret] : [secret, escaped];
}

/** A copy of a parsed JSON value with every string in it (keys too) passed through `mask`; the value itself when nothing changed. */
export function maskStrings<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => maskStrings(item, mask));
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  let changed = false;
  const entries = Object.entries(value).map(([key, item]): [string, unknown] => {
    const maskedKey = mask(key);
    const masked = maskStrings(item, mask);
    if (maskedKey !== key || masked !== item) changed = true;
    return [maskedKey, masked];
  });
  // fromEntries makes own properties, a "__proto__" key included (an assignment would set the prototype).
  return (changed ? Object.fromEntries(entries) : value) as T;
}

/** The string values at the secret paths (`x-secret` fields) of params: what to mask in whatever comes back. */
export function secretValuesAt(params: unknown, paths: readonly (readonly string[])[]): string[] {
  const values: string[] = [];
  for (const path of paths) {
    let node: unknown = params;
    for (const key of path) node = typeof node === 'object' && node !== null && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    if (typeof node === 'string') values.push(node);
  }
  return values;
}

/** The short escapes JSON has besides \uXXXX, by the character they stand for. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * What a pattern of jsonWritings reads: a string, or bytes read as Latin-1, one character a byte (a
 * body streamed in chunks, which may cut a character: output/stream-mask.ts).
 */
export type TextUnits = 'text' | 'bytes';

/** Hex digits matched in either case (`[aA]`): JSON's \uXXXX and a URL's %XX may write them so. */
function hexPattern(value: number, digits: number): string {
  return [...value.toString(16).padStart(digits, '0')].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('');
}

/**
 * A pattern for one character of a secret: as it is, as \uXXXX, as its short escape, or as a URL
 * writes it, %XX per UTF-8 byte (a token in a redirect's Location, a link in a message); hex digits
 * in either case.
 */
function characterPattern(char: string, units: TextUnits): { pattern: string; maxUnits: number } {
  const bytes = [...Buffer.from(char, 'utf8')];
  const codes = units === 'bytes' ? bytes : Array.from({ length: char.length }, (_, i) => char.charCodeAt(i));
  const literal = codes.map((code) => `\\u${code.toString(16).padStart(4, '0')}`).join('');
  // One \uXXXX per UTF-16 unit: a character beyond the BMP is two.
  const unicode = Array.from({ length: char.length }, (_, i) => `\\\\u${hexPattern(char.charCodeAt(i), 4)}`).join('');
  const percent = bytes.map((byte) => `%${hexPattern(byte, 2)}`).join('');
  const short = SHORT_ESCAPES[char];
  const alternatives = [literal, unicode, percent, ...(short === undefined ? [] : [short.replace(/\\/g, '\\\\').replace(/"/g, '\\x22').replace(/\//g, '\\/')])];
  return { pattern: `(?:${alternatives.join('|')})`, maxUnits: Math.max(codes.length, 6 * char.length, 3 * bytes.length) };
}

/**
 * One pattern (global) for every way JSON text (or a URL in it) may write any of `forms`: each
 * character as it is or as any escape that means it, in any mix (`\u0074ok`, `\/`, `\"`, `\u00E9`,
 * `%2F`), and the longest such writing in `units` (a match is never longer). The one description of escaped secrets: the
 * streamed body (output/stream-mask.ts) and every other text (JsonTextMask) use it.
 */
export function jsonWritings(forms: readonly string[], units: TextUnits): { pattern: RegExp; maxUnits: number } | undefined {
  const written = forms.filter((form) => form.length > 0).map((form) => [...form].map((char) => characterPattern(char, units)));
  if (written.length === 0) return undefined;
  const pattern = new RegExp(written.map((chars) => chars.map(({ pattern: each }) => each).join('')).join('|'), 'g');
  return { pattern, maxUnits: Math.max(...written.map((chars) => chars.reduce((sum, { maxUnits }) => sum + maxUnits, 0))) };
}

/**
 * Secrets found and masked in text however JSON writes them (jsonWritings), the one masking of text
 * (error lines, -v and -w through Context.redact, `oneoffice test`'s console and reports, the library
 * client's errors, batch's records): a server may have escaped a secret otherwise than
 * JSON.stringify does (PHP writes `/` as `\/` and all but ASCII as \uXXXX), in JSON or not (an
 * answer cut short, text/plain).
 */
export class JsonTextMask {
  private pattern: RegExp | undefined;

  constructor(private readonly forms: readonly string[]) {}

  /** Whether `text` holds a secret. Text with no backslash or percent sign can hold one only as it is: searched so, without the pattern (most bodies). */
  finds(text: string): boolean {
    if (!text.includes('\\') && !text.includes('%')) return this.forms.some((form) => form.length > 0 && text.includes(form));
    const pattern = this.compiled();
    return pattern !== undefined && text.search(pattern) !== -1;
  }

  /** `text` with every writing of a secret replaced by `****`. */
  mask(text: string): string {
    const pattern = this.finds(text) ? this.compiled() : undefined;
    return pattern ? text.replace(pattern, '****') : text;
  }

  private compiled(): RegExp | undefined {
    this.pattern ??= jsonWritings(this.forms, 'text')?.pattern;
    return this.pattern;
  }
}

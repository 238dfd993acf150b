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

/** Text with every given form of a secret (see secretForms) replaced by `****`. */
export function maskForms(text: string, forms: readonly string[]): string {
  let result = text;
  for (const form of forms) if (result.includes(form)) result = result.split(form).join('****');
  return result;
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

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

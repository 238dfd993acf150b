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

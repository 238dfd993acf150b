/**
 * The message in an error answer's JSON: the docs' errors are JSON strings; other servers and
 * proxies send objects with a message, error or detail field.
 */
export function messageFromJson(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    for (const key of ['message', 'error', 'detail']) {
      const field = (value as Record<string, unknown>)[key];
      if (typeof field === 'string') return field;
    }
  }
  return JSON.stringify(value).slice(0, 200);
}

// JSON.stringify(value, null, 2) with optional colour per token kind (keys, strings, numbers,
// booleans, null), in the spirit of jq's default colours.
export interface JsonPalette {
  key(text: string): string;
  string(text: string): string;
  number(text: string): string;
  literal(text: string): string;
}

const plain: JsonPalette = { key: (t) => t, string: (t) => t, number: (t) => t, literal: (t) => t };

export function prettyJson(value: unknown, palette: JsonPalette = plain, indent = ''): string {
  if (value === null) return palette.literal('null');
  switch (typeof value) {
    case 'string':
      return palette.string(JSON.stringify(value));
    case 'number':
      return palette.number(JSON.stringify(value));
    case 'boolean':
      return palette.literal(String(value));
    case 'object': {
      const inner = `${indent}  `;
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        return `[\n${value.map((item) => inner + prettyJson(item, palette, inner)).join(',\n')}\n${indent}]`;
      }
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      if (entries.length === 0) return '{}';
      const lines = entries.map(([key, item]) => `${inner}${palette.key(JSON.stringify(key))}: ${prettyJson(item, palette, inner)}`);
      return `{\n${lines.join(',\n')}\n${indent}}`;
    }
    default:
      return 'null';
  }
}

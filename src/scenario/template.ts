// `{{ name }}` in a scenario's string values. A string that is exactly one placeholder takes the
// variable's JSON value (a captured number stays a number); inside longer text a value is written
// as text (strings as they are, anything else as JSON). `run.id` is unique per run, `env.NAME`
// reads the environment.

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}$/;

export type Lookup = (name: string) => { found: true; value: unknown } | { found: false };

/** Every variable name a value refers to, in order, with repeats. */
export function referencedNames(value: unknown): string[] {
  const names: string[] = [];
  walkStrings(value, (text) => {
    for (const match of text.matchAll(PLACEHOLDER)) names.push(match[1] as string);
  });
  return names;
}

/** The value with its placeholders filled in; names the lookup does not know are left as they are. */
export function fill(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') return fillString(value, lookup);
  if (Array.isArray(value)) return value.map((item) => fill(item, lookup));
  if (isRecord(value)) {
    const copy: Record<string, unknown> = {};
    // Defined, not assigned: a `__proto__` key read from YAML stays a key (and is refused), never the copy's prototype.
    for (const [key, item] of Object.entries(value)) Object.defineProperty(copy, key, { value: fill(item, lookup), enumerable: true, writable: true, configurable: true });
    return copy;
  }
  return value;
}

function fillString(text: string, lookup: Lookup): unknown {
  const whole = WHOLE.exec(text);
  if (whole) {
    const found = lookup(whole[1] as string);
    return found.found ? found.value : text;
  }
  return text.replace(PLACEHOLDER, (match, name: string) => {
    const found = lookup(name);
    if (!found.found) return match;
    return typeof found.value === 'string' ? found.value : JSON.stringify(found.value) ?? 'null';
  });
}

/** The variable a string names when it is exactly one placeholder (`"{{ inst }}"`). */
export function wholePlaceholder(text: string): string | undefined {
  return WHOLE.exec(text)?.[1];
}

/** Whether a filled value still holds a placeholder (a name that was not known). */
export function hasPlaceholder(value: unknown): boolean {
  let found = false;
  walkStrings(value, (text) => {
    PLACEHOLDER.lastIndex = 0;
    if (PLACEHOLDER.test(text)) found = true;
  });
  PLACEHOLDER.lastIndex = 0;
  return found;
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) value.forEach((item) => walkStrings(item, visit));
  else if (isRecord(value)) Object.values(value).forEach((item) => walkStrings(item, visit));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The built-in names: run.id (one per run) and env.NAME. */
export function builtinLookup(runId: string, env: Record<string, string | undefined>): Lookup {
  return (name) => {
    if (name === 'run.id') return { found: true, value: runId };
    if (name.startsWith('env.')) {
      const value = env[name.slice(4)];
      return value === undefined ? { found: false } : { found: true, value };
    }
    return { found: false };
  };
}

// Scenario files (and --vars-file) as YAML, read with js-yaml's event parser: the values (YAML 1.2
// core schema, so `on` and `2024-01-01` stay strings; a duplicate key is an error) and, from the
// same events, the line of every node and key, so each problem can name its line. js-yaml over the
// `yaml` package, which gives positions too: it parses a 100-step file in a third of the time and
// loads in half, and a test run is mostly start-up (issue 12's bench).
import { constructFromEvents, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException, type Event } from 'js-yaml';

export interface YamlEntry {
  key: string;
  keyLine: number;
  value: YamlNode;
}

export type YamlNode =
  | { kind: 'mapping'; line: number; entries: YamlEntry[] }
  | { kind: 'sequence'; line: number; items: YamlNode[] }
  | { kind: 'scalar' | 'alias'; line: number };

export type YamlRead = { ok: true; value: unknown; root: YamlNode | undefined } | { ok: false; line: number; reason: string };

/** Values once aliases (*name) are expanded: a file beyond this is refused ("billion laughs"). */
const MAX_EXPANDED_VALUES = 100_000;
/**
 * Bytes of text (strings and keys, as UTF-8) once aliases are expanded: few values can be large
 * ones (a 64 KiB string repeated 90,000 times). Eight times what one call may carry (1 MiB).
 */
export const MAX_EXPANDED_BYTES = 8 * 1024 * 1024;

export function readYaml(text: string): YamlRead {
  let events: Event[];
  let documents: unknown[];
  try {
    events = parseEvents(text, {});
    documents = constructFromEvents(events, { source: text });
  } catch (error) {
    if (error instanceof YAMLException) return { ok: false, line: (error.mark?.line ?? 0) + 1, reason: withoutQuotes(error.reason) };
    throw error;
  }
  if (documents.length > 1) return { ok: false, line: secondDocumentLine(text, events), reason: 'more than one document (---): a file holds one' };
  const value = documents[0] ?? null;
  if (events.some((event) => event.type === EVENT_ID.ALIAS)) {
    const size = expandedSize(value);
    if (size.values > MAX_EXPANDED_VALUES) return { ok: false, line: 1, reason: `more than ${MAX_EXPANDED_VALUES} values once its aliases (*name) are expanded` };
    if (size.bytes > MAX_EXPANDED_BYTES) return { ok: false, line: 1, reason: `more than ${MAX_EXPANDED_BYTES / 1024 / 1024} MiB of text once its aliases (*name) are expanded` };
  }
  return { ok: true, value, root: documents.length ? lineTree(events, text) : undefined };
}

/** The nodes of the first document with their lines, built from the parser's events. */
function lineTree(events: readonly Event[], text: string): YamlNode | undefined {
  const lineOf = lineIndex(text);
  let next = 1; // events[0] opens the document
  const node = (fallbackLine: number): YamlNode => {
    const event = events[next++] as Event;
    switch (event.type) {
      case EVENT_ID.MAPPING: {
        const line = lineOf(event.start, fallbackLine);
        const entries: YamlEntry[] = [];
        while ((events[next] as Event).type !== EVENT_ID.POP) {
          const keyEvent = events[next] as Event;
          const key = node(line);
          entries.push({ key: keyEvent.type === EVENT_ID.SCALAR ? keyText(keyEvent, text) : '', keyLine: key.line, value: node(key.line) });
        }
        next++;
        return { kind: 'mapping', line, entries };
      }
      case EVENT_ID.SEQUENCE: {
        const line = lineOf(event.start, fallbackLine);
        const items: YamlNode[] = [];
        while ((events[next] as Event).type !== EVENT_ID.POP) items.push(node(line));
        next++;
        return { kind: 'sequence', line, items };
      }
      case EVENT_ID.SCALAR:
        return { kind: 'scalar', line: lineOf(event.valueStart, fallbackLine) };
      case EVENT_ID.ALIAS:
        return { kind: 'alias', line: lineOf(event.anchorStart, fallbackLine) };
      default:
        throw new Error(`unexpected YAML event ${event.type}`);
    }
  };
  return events.length > 1 && (events[1] as Event).type !== EVENT_ID.POP ? node(1) : undefined;
}

/** A plain scalar the core schema may read as something other than a string: a number, a boolean, null. */
const MAYBE_NOT_TEXT = /^(?:[-+.~0-9]|(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)/;

/**
 * A key as the values have it: `0x10` is "16", `True` is "true", `~` is "null" (the string of what
 * the schema reads), so that lines are found for the keys the data holds.
 */
function keyText(event: Extract<Event, { type: typeof EVENT_ID.SCALAR }>, text: string): string {
  const raw = getScalarValue(text, event);
  if (event.style !== SCALAR_STYLE.PLAIN || !MAYBE_NOT_TEXT.test(raw)) return raw;
  const [value] = constructFromEvents([{ type: EVENT_ID.DOCUMENT, explicitStart: false, explicitEnd: false, directives: [] }, event, { type: EVENT_ID.POP }], { source: text });
  return String(value);
}

/** 1-based line of a character offset; `fallback` for an absent one (-1). */
function lineIndex(text: string): (offset: number, fallback: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset, fallback) => {
    if (offset < 0) return fallback;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

/** The line of the `---` that starts the second document. */
function secondDocumentLine(text: string, events: readonly Event[]): number {
  const first = events[0];
  const skip = first?.type === EVENT_ID.DOCUMENT && first.explicitStart ? 1 : 0;
  const markers = text.split('\n').flatMap((line, i) => (/^---(\s|$)/.test(line) ? [i + 1] : []));
  return markers[skip] ?? 1;
}

/** How many values, and bytes of text, the data holds with every alias expanded, counting no further than the limits. */
function expandedSize(value: unknown): { values: number; bytes: number } {
  let values = 0;
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length && values <= MAX_EXPANDED_VALUES && bytes <= MAX_EXPANDED_BYTES) {
    const current = stack.pop();
    values++;
    if (typeof current === 'string') bytes += Buffer.byteLength(current);
    else if (Array.isArray(current)) stack.push(...current);
    else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        bytes += Buffer.byteLength(key);
        stack.push(item);
      }
    }
  }
  return { values, bytes };
}

/** js-yaml's reason without the input it quotes (an alias or tag name): messages never repeat a file's text. */
function withoutQuotes(reason: string): string {
  return reason.replace(/\s*"[^"]*"/g, '').replace(/\s*!<[^>]*>/g, '').replace(/\s*\([^)]*\)\s*$/, '');
}

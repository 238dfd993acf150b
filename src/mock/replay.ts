// `oneoffice mock --replay <file>`: answers calls from a recording made with --record. The same
// method and params (secret params compared masked, as recorded) get the recorded answer byte for
// byte; the same call made again gets the next recorded answer for it (a second createUser of one
// e-mail: the duplicate error), and the last one again once they are used up. An unrecorded call
// is answered 404 with a message naming the recording, so a CI run against it fails loudly.
// --replay-match relaxes matching to the listed params.
import { readFileSync } from 'node:fs';
import { ValidationError } from '../api/errors.js';
import { readJson } from '../api/json.js';
import { maskPaths } from '../api/mask.js';
import type { Params } from '../api/params.js';
import { secretPaths, type Registry } from '../api/schema/registry.js';
import type { RecordedExchange } from './record.js';
import type { MockBackend, RawAnswer } from './server.js';

export interface ReplayOptions {
  path: string;
  registry: Registry;
  /** Param paths (["admin", "email"]) a call is matched on; default: all of its params. */
  match?: string[][];
  report: (line: string) => void;
}

interface Recorded {
  answers: RecordedExchange[];
  next: number;
}

export function replayBackend(options: ReplayOptions): MockBackend {
  const { path, registry, report } = options;
  const exchanges = readRecording(path);
  const keyOf = (method: string, params: Params) => `${method} ${canonical(matched(maskPaths(params, secretPaths(registry.get(method)?.schema ?? {}), () => '****'), options.match))}`;
  const recorded = new Map<string, Recorded>();
  const perMethod = new Map<string, number>();
  for (const exchange of exchanges) {
    const key = keyOf(exchange.method, exchange.params);
    const entry = recorded.get(key) ?? { answers: [], next: 0 };
    entry.answers.push(exchange);
    recorded.set(key, entry);
    perMethod.set(exchange.method, (perMethod.get(exchange.method) ?? 0) + 1);
  }
  let unrecorded = 0;

  async function answer(call: { method: string; params: Params }): Promise<RawAnswer> {
    const entry = recorded.get(keyOf(call.method, call.params));
    if (!entry) {
      unrecorded++;
      const count = perMethod.get(call.method) ?? 0;
      const params = Object.keys(call.params).join(', ') || 'none';
      const message = `not in the recording ${path}: ${call.method} with these params (${params}); it holds ${count} call${count === 1 ? '' : 's'} of ${call.method} (--replay-match matches on chosen params only)`;
      report(`replay: ${message}`);
      return { kind: 'raw', status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) };
    }
    const exchange = entry.answers[Math.min(entry.next, entry.answers.length - 1)] as RecordedExchange;
    entry.next++;
    return { kind: 'raw', status: exchange.status, headers: exchange.headers, body: exchange.body };
  }

  return {
    answer,
    close: async () => {
      if (unrecorded) report(`replay: ${unrecorded} call${unrecorded === 1 ? ' was' : 's were'} not in the recording ${path}`);
    },
  };
}

/** Every line of the recording, checked; every problem at once, with its line. */
export function readRecording(path: string): RecordedExchange[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError([`--replay ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  const exchanges: RecordedExchange[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `--replay ${path}:${index + 1}`;
    const read = readJson(line);
    if (!read.ok) return void problems.push(`${where}: not valid JSON (at position ${read.offset})`);
    const problem = exchangeProblem(read.value);
    if (problem) problems.push(`${where}: ${problem}`);
    else exchanges.push(read.value as RecordedExchange);
  });
  if (problems.length) throw new ValidationError(problems);
  if (exchanges.length === 0) throw new ValidationError([`--replay ${path}: holds no recorded call (make one with oneoffice mock --upstream <url> --record ${path})`]);
  return exchanges;
}

function exchangeProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'must be a JSON object (a line written by --record)';
  if (typeof value['method'] !== 'string') return '"method" must be a string';
  if (!isRecord(value['params'])) return '"params" must be a JSON object';
  if (!Number.isInteger(value['status']) || (value['status'] as number) < 100 || (value['status'] as number) > 599) return '"status" must be an HTTP status (100 to 599)';
  if (!isRecord(value['headers']) || !Object.values(value['headers']).every((header) => typeof header === 'string')) return '"headers" must be an object of strings';
  if (typeof value['body'] !== 'string') return '"body" must be a string (the answer as it came)';
  return undefined;
}

/** The params a call is matched on: all, or only the chosen paths (absent ones left out). */
function matched(params: Params, match: string[][] | undefined): unknown {
  if (!match) return params;
  return match.map((path) => {
    let node: unknown = params;
    for (const key of path) node = isRecord(node) ? node[key] : undefined;
    return node === undefined ? null : node;
  });
}

/** JSON with object keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} are one call. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

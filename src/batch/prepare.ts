// Records to calls: the method and its params, checked with the same validators and the same
// messages as single calls, each problem prefixed with its line number. Params are named as
// JSON keys ("admin.email"), or as the CSV column they came from.
import type { ParamToken } from '../options/args.js';
import { assembleParams, type Params } from '../api/params.js';
import { camel, paramFlags, type ParamFlag } from '../api/schema/flags.js';
import { ParamsChecker, type MethodCheck } from '../api/check.js';
import { secretPaths, type Registry } from '../api/schema/registry.js';
import { secretForms, secretValuesAt } from '../api/mask.js';
import type { JsonSchema, MethodSchema } from '../api/schema/types.js';
import { closest } from '../api/suggest.js';
import type { Cell } from './csv.js';
import type { InputRecord } from './records.js';
import { jsonLineProblem, readJson } from '../api/json.js';
import { describeUnsafe, forbiddenKeyIn, forbiddenKeyProblem, unsafeValues } from '../api/param-safety.js';

export interface PreparedCall {
  line: number;
  method: string;
  params: Params;
  /** The values of its secret params (x-secret), each in the forms it may be echoed in: masked in its record. */
  secrets?: string[];
}

export type Prepared = { kind: 'call'; call: PreparedCall } | { kind: 'invalid'; problems: string[] } | { kind: 'header' };

interface MethodInfo {
  method: MethodSchema;
  check: MethodCheck;
  /** Where its x-secret params are (none for most methods: their lines pay nothing). */
  secretPaths: string[][];
}

interface Column {
  header: string;
  path: string[];
  known: ParamFlag | undefined;
  /** Not a parameter of the method: reported once, with the header, and left out of every row. */
  dropped: boolean;
}

export class Preparer {
  private readonly methods = new Map<string, MethodInfo>();
  private readonly checker: ParamsChecker;
  private columns: Column[] = [];
  private readonly headerOf = new Map<string, string>();

  /** `csvMethod`: the method of every CSV row (--method); must be in the registry. */
  constructor(
    private readonly registry: Registry,
    private readonly csvMethod?: string,
  ) {
    this.checker = new ParamsChecker(registry);
  }

  /** Synchronous once the method's validator is loaded (the first line of each method waits for it). */
  prepare(record: InputRecord): Prepared | Promise<Prepared> {
    switch (record.kind) {
      case 'problem':
        return invalid(record.line, [record.problem]);
      case 'json':
        return this.fromJson(record.line, record.text);
      case 'header':
        return this.withMethod(this.csvMethod as string, (info) => this.readHeader(info as MethodInfo, record.line, record.cells));
      case 'row':
        return this.withMethod(this.csvMethod as string, (info) => this.fromRow(info as MethodInfo, record.line, record.cells));
    }
  }

  private fromJson(line: number, text: string): Prepared | Promise<Prepared> {
    const read = readJson(text);
    if (!read.ok) return invalid(line, [`not valid JSON: ${jsonLineProblem(read)}`]);
    const value = read.value;
    if (!isObject(value)) return invalid(line, ['must be a JSON object like {"method": "createUser", "params": {...}}']);
    const problems: string[] = [];
    for (const key of Object.keys(value)) {
      if (key !== 'method' && key !== 'params') problems.push(`unknown key ${JSON.stringify(key)} (a line holds "method" and "params")`);
    }
    const { method, params = {} } = value;
    if (method === undefined) problems.push('missing "method"');
    else if (typeof method !== 'string') problems.push('"method" must be a string');
    if (!isObject(params)) problems.push('"params" must be a JSON object');
    else for (const unsafe of unsafeValues(params)) problems.push(describeUnsafe(unsafe));
    if (typeof method !== 'string') return invalid(line, problems);
    return this.withMethod(method, (info) => {
      if (!info) problems.push(unknownMethod(method, this.registry));
      if (problems.length || !info || !isObject(params)) return invalid(line, problems);
      const checked = info.check(params);
      return checked.length ? invalid(line, checked) : { kind: 'call', call: preparedCall(info, line, params) };
    });
  }

  private readHeader(info: MethodInfo, line: number, cells: Cell[]): Prepared {
    const schema = info.method.schema;
    const flags = new Map(paramFlags(schema).map((flag) => [flag.path.join('.'), flag]));
    const problems: string[] = [];
    this.headerOf.clear();
    this.columns = cells.map((cell, index) => {
      const header = (cell ?? '').trim();
      const path = header.split('.').map(camel);
      const known = flags.get(path.join('.'));
      let dropped = false;
      const forbidden = forbiddenKeyIn(path);
      if (forbidden !== undefined) {
        problems.push(`column ${JSON.stringify(header)}: ${forbiddenKeyProblem(forbidden)}`);
        dropped = true;
      } else if (header === '') {
        problems.push(`column ${index + 1} has no name`);
        dropped = true;
      } else if (this.headerOf.has(path.join('.'))) {
        problems.push(`column ${JSON.stringify(header)} is there twice`);
        dropped = true;
      } else if (!known && isUnknownPath(schema, path)) {
        const suggestion = suggestPath(schema, path);
        problems.push(`unknown column ${JSON.stringify(header)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}`);
        dropped = true;
      }
      if (!dropped) this.headerOf.set(path.join('.'), header);
      return { header, path, known, dropped };
    });
    return problems.length ? invalid(line, problems) : { kind: 'header' };
  }

  private fromRow(info: MethodInfo, line: number, cells: Cell[]): Prepared {
    if (cells.length !== this.columns.length) {
      return invalid(line, [`${cells.length} field${cells.length === 1 ? '' : 's'}, but the header has ${this.columns.length}`]);
    }
    const tokens: ParamToken[] = [];
    this.columns.forEach((column, index) => {
      const raw = cells[index];
      // An empty cell is an absent value; "" (quoted) is an empty string.
      if (raw === null || raw === undefined || column.dropped) return;
      tokens.push({ flag: JSON.stringify(column.header), path: column.path, raw, known: column.known });
    });
    const assembled = assembleParams({}, tokens, info.method.schema);
    const nameOf = (path: string[]) => JSON.stringify(this.headerOf.get(path.join('.')) ?? path.join('.'));
    const problems = [...assembled.problems, ...info.check(assembled.params, nameOf, new Set(assembled.problemPaths))];
    return problems.length ? invalid(line, problems) : { kind: 'call', call: preparedCall(info, line, assembled.params) };
  }

  /** Runs `use` with the method's validator, loading it first the first time; undefined for an unknown method. */
  private withMethod(name: string, use: (info: MethodInfo | undefined) => Prepared): Prepared | Promise<Prepared> {
    const cached = this.methods.get(name);
    if (cached) return use(cached);
    const method = this.registry.get(name);
    if (!method) return use(undefined);
    return this.checker.load(name).then((check) => {
      const info = { method, check: check as MethodCheck, secretPaths: secretPaths(method.schema) };
      this.methods.set(name, info);
      return use(info);
    });
  }
}

export function unknownMethod(name: string, registry: Registry): string {
  const suggestion = closest(name, registry.names());
  return `unknown method ${JSON.stringify(name)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}`;
}

function preparedCall(info: MethodInfo, line: number, params: Params): PreparedCall {
  if (info.secretPaths.length === 0) return { line, method: info.method.name, params };
  return { line, method: info.method.name, params, secrets: secretValuesAt(params, info.secretPaths).flatMap(secretForms) };
}

function invalid(line: number, problems: string[]): Prepared {
  return { kind: 'invalid', problems: problems.map((problem) => `line ${line}: ${problem}`) };
}

/** A path that leaves the schema where no other property is allowed. */
function isUnknownPath(schema: JsonSchema, path: string[]): boolean {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    const next: JsonSchema | undefined = node?.properties?.[key];
    if (!next) return node?.additionalProperties === false;
    node = next;
  }
  return false;
}

function suggestPath(schema: JsonSchema, path: string[]): string | undefined {
  const known = paramFlags(schema).map((flag) => flag.path.join('.'));
  return closest(path.join('.'), known);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

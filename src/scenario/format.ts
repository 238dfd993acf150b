// A scenario file as data: YAML read by yaml.ts, whose tree of lines gives the line of every step
// and key, so each problem can name file, line and step. Shapes are checked here (unknown keys,
// wrong types); methods, params and queries in check.ts.
import { readExpect, readRetryUntil, type ExpectSpec, type RetryUntil } from './expect-spec.js';
import { UNSAFE_INTEGER_PROBLEM, unsafeValues } from '../api/param-safety.js';
import { isRecord } from './template.js';
import { readYaml, type YamlNode } from './yaml.js';

export type { BodyExpectation, ExpectSpec, Matcher, MatcherOp } from './expect-spec.js';

export interface StepSpec {
  /** 1-based. */
  index: number;
  line: number;
  name: string;
  call: string;
  params: Record<string, unknown>;
  expect: ExpectSpec;
  capture: Array<{ name: string; query: string; line: number }>;
  /** Repeat the step until its expect holds: pause between attempts, and the time it may take in all. */
  retryUntil?: RetryUntil;
  /** The line of a path below the step (params.admin.email), or the nearest line above it. */
  lineOf(path: readonly (string | number)[]): number;
}

export interface Scenario {
  file: string;
  name: string;
  vars: Array<{ name: string; value: unknown; line: number }>;
  steps: StepSpec[];
}

const TOP_KEYS = ['name', 'vars', 'steps'];
const STEP_KEYS = ['name', 'call', 'params', 'expect', 'capture', 'retry-until'];
const NAME = /^[A-Za-z_][\w-]*$/;

type YamlMapping = Extract<YamlNode, { kind: 'mapping' }>;

export function parseScenario(file: string, text: string): { scenario?: Scenario; problems: string[] } {
  const problems: string[] = [];
  const at = (line: number, message: string) => problems.push(`${file}:${line}: ${message}`);
  const read = readYaml(text);
  if (!read.ok) {
    at(read.line, `not valid YAML: ${read.reason}`);
    return { problems };
  }
  const root = read.root;
  if (root?.kind !== 'mapping') {
    at(root?.line ?? 1, 'a scenario is a mapping with "steps" (and optional "name", "vars")');
    return { problems };
  }
  const entry = (map: YamlMapping, key: string) => map.entries.find((pair) => pair.key === key);
  const keyLine = (map: YamlMapping, key: string) => entry(map, key)?.keyLine ?? map.line;
  const unknownKeys = (map: YamlMapping, allowed: string[], where: string) => {
    for (const { key, keyLine: line } of map.entries) {
      if (!allowed.includes(key)) at(line, `${where}unknown key "${key}" (allowed: ${allowed.join(', ')})`);
    }
  };
  unknownKeys(root, TOP_KEYS, '');
  const data = read.value as Record<string, unknown>;
  const defaultName = file.replace(/^.*\//, '').replace(/\.ya?ml$/i, '');
  const name = typeof data['name'] === 'string' ? data['name'] : defaultName;
  if (data['name'] !== undefined && typeof data['name'] !== 'string') at(keyLine(root, 'name'), '"name" must be a string');

  const vars: Scenario['vars'] = [];
  const varsNode = entry(root, 'vars')?.value;
  if (varsNode !== undefined && varsNode.kind !== 'mapping') at(keyLine(root, 'vars'), '"vars" must be a mapping of names to values');
  if (varsNode?.kind === 'mapping') {
    for (const { key: varName, keyLine: line } of varsNode.entries) {
      if (!NAME.test(varName)) at(line, `vars: ${JSON.stringify(varName)} is not a variable name (letters, digits, _ and -)`);
      const value = (data['vars'] as Record<string, unknown>)[varName] ?? null;
      for (const found of unsafeValues(value)) at(line, `vars.${[varName, ...found.path].join('.')}: ${found.problem}`);
      vars.push({ name: varName, value, line });
    }
  }

  const steps: StepSpec[] = [];
  const stepsNode = entry(root, 'steps')?.value;
  if (stepsNode?.kind !== 'sequence' || stepsNode.items.length === 0) {
    at(stepsNode === undefined ? 1 : keyLine(root, 'steps'), '"steps" must be a list of one or more steps');
    return { problems };
  }
  stepsNode.items.forEach((node, i) => {
    const line = node.line;
    const rawStep = (data['steps'] as unknown[])[i];
    if (node.kind !== 'mapping' || !isRecord(rawStep)) {
      at(line, `step ${i + 1}: must be a mapping with "call" (and optional "name", "params", "expect", "capture", "retry-until")`);
      return;
    }
    const call = rawStep['call'];
    const label = `step ${i + 1}${typeof rawStep['name'] === 'string' ? ` (${rawStep['name']})` : typeof call === 'string' ? ` (${call})` : ''}: `;
    const stepAt = (path: readonly (string | number)[], message: string) => at(lineIn(node, path), `${label}${message}`);
    const lineIn = (map: YamlMapping, path: readonly (string | number)[]): number => {
      let best = map.line;
      let current: YamlNode = map;
      for (const key of path) {
        let next: YamlNode | undefined;
        if (current.kind === 'mapping') {
          const pair = entry(current, String(key));
          if (pair) best = pair.keyLine;
          next = pair?.value;
        } else if (current.kind === 'sequence') {
          next = current.items[Number(key)];
          if (next) best = next.line;
        }
        if (!next) break;
        current = next;
      }
      return best;
    };
    unknownKeys(node, STEP_KEYS, label);
    if (typeof call !== 'string' || call === '') stepAt([], '"call" must name the API method');
    if (rawStep['name'] !== undefined && typeof rawStep['name'] !== 'string') stepAt(['name'], '"name" must be a string');
    const params = rawStep['params'] ?? {};
    if (!isRecord(params)) stepAt(['params'], '"params" must be a mapping');
    // As flags, --params and batch lines: no prototype names in params, no integers JavaScript rounds anywhere.
    for (const found of unsafeValues(rawStep)) {
      if (found.problem === UNSAFE_INTEGER_PROBLEM || found.path[0] === 'params') stepAt(found.path, `${found.path.join('.')}: ${found.problem}`);
    }
    const expect = readExpect(rawStep['expect'], (path, message) => stepAt(['expect', ...path], message), (path) => lineIn(node, ['expect', ...path]));
    const capture: StepSpec['capture'] = [];
    const rawCapture = rawStep['capture'];
    if (rawCapture !== undefined && !isRecord(rawCapture)) stepAt(['capture'], '"capture" must map variable names to queries');
    for (const [captureName, query] of Object.entries(isRecord(rawCapture) ? rawCapture : {})) {
      if (!NAME.test(captureName)) stepAt(['capture', captureName], `capture: ${JSON.stringify(captureName)} is not a variable name`);
      if (typeof query !== 'string') stepAt(['capture', captureName], `capture.${captureName}: must be a query (a string)`);
      else capture.push({ name: captureName, query, line: lineIn(node, ['capture', captureName]) });
    }
    const retryUntil = readRetryUntil(rawStep['retry-until'], (message) => stepAt(['retry-until'], message));
    steps.push({
      index: i + 1,
      line,
      name: typeof rawStep['name'] === 'string' ? rawStep['name'] : typeof call === 'string' ? call : `step ${i + 1}`,
      call: typeof call === 'string' ? call : '',
      params: isRecord(params) ? params : {},
      expect,
      capture,
      ...(retryUntil ? { retryUntil } : {}),
      lineOf: (path) => lineIn(node, path),
    });
  });
  // With its shape problems, the scenario is still checked further (methods, params, queries), so
  // that every problem is reported at once.
  return { scenario: { file, name, vars, steps }, problems };
}

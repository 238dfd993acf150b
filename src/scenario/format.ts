// A scenario file as data: YAML read with the `yaml` package, whose node ranges give the line of
// every step and key, so each problem can name file, line and step. Shapes are checked here
// (unknown keys, wrong types); methods, params and queries in check.ts.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { readExpect, readRetryUntil, type ExpectSpec, type RetryUntil } from './expect-spec.js';
import { isRecord } from './template.js';

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

export function parseScenario(file: string, text: string): { scenario?: Scenario; problems: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (node: Node | null | undefined, fallback = 1): number => (node?.range ? lines.linePos(node.range[0]).line : fallback);
  const problems: string[] = [];
  const at = (line: number, message: string) => problems.push(`${file}:${line}: ${message}`);
  if (doc.errors.length) {
    for (const error of doc.errors) at(lines.linePos(error.pos[0]).line, `not valid YAML: ${error.message.split('\n')[0]}`);
    return { problems };
  }
  const root = doc.contents;
  if (!isMap(root)) {
    at(lineAt(root), 'a scenario is a mapping with "steps" (and optional "name", "vars")');
    return { problems };
  }
  const keyLine = (map: YAMLMap, key: string) => lineAt(map.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key as Node, lineAt(map));
  const unknownKeys = (map: YAMLMap, allowed: string[], where: string) => {
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!allowed.includes(key)) at(lineAt(pair.key as Node), `${where}unknown key "${key}" (allowed: ${allowed.join(', ')})`);
    }
  };
  unknownKeys(root, TOP_KEYS, '');
  const data = doc.toJS() as Record<string, unknown>;
  const defaultName = file.replace(/^.*\//, '').replace(/\.ya?ml$/i, '');
  const name = typeof data['name'] === 'string' ? data['name'] : defaultName;
  if (data['name'] !== undefined && typeof data['name'] !== 'string') at(keyLine(root, 'name'), '"name" must be a string');

  const vars: Scenario['vars'] = [];
  const varsNode = root.get('vars', true);
  if (varsNode !== undefined && !isMap(varsNode)) at(keyLine(root, 'vars'), '"vars" must be a mapping of names to values');
  if (isMap(varsNode)) {
    for (const pair of varsNode.items) {
      const varName = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!NAME.test(varName)) at(lineAt(pair.key as Node), `vars: ${JSON.stringify(varName)} is not a variable name (letters, digits, _ and -)`);
      vars.push({ name: varName, value: (data['vars'] as Record<string, unknown>)[varName] ?? null, line: lineAt(pair.key as Node) });
    }
  }

  const steps: StepSpec[] = [];
  const stepsNode = root.get('steps', true);
  if (!isSeq(stepsNode) || stepsNode.items.length === 0) {
    at(stepsNode === undefined ? 1 : keyLine(root, 'steps'), '"steps" must be a list of one or more steps');
    return { problems };
  }
  stepsNode.items.forEach((item, i) => {
    const node = item as Node;
    const line = lineAt(node, keyLine(root, 'steps'));
    const rawStep = (data['steps'] as unknown[])[i];
    if (!isMap(node) || !isRecord(rawStep)) {
      at(line, `step ${i + 1}: must be a mapping with "call" (and optional "name", "params", "expect", "capture", "retry-until")`);
      return;
    }
    const call = rawStep['call'];
    const label = `step ${i + 1}${typeof rawStep['name'] === 'string' ? ` (${rawStep['name']})` : typeof call === 'string' ? ` (${call})` : ''}: `;
    const stepAt = (path: readonly (string | number)[], message: string) => at(lineIn(node, path), `${label}${message}`);
    const lineIn = (map: YAMLMap, path: readonly (string | number)[]): number => {
      let best = lineAt(map);
      let current: unknown = map;
      for (const key of path) {
        if (!isMap(current) && !isSeq(current)) break;
        const pair = isMap(current) ? current.items.find((entry) => isScalar(entry.key) && String(entry.key.value) === String(key)) : undefined;
        const next: unknown = isMap(current) ? pair?.value : current.get(Number(key), true);
        if (pair?.key) best = lineAt(pair.key as Node, best);
        else if (next) best = lineAt(next as Node, best);
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

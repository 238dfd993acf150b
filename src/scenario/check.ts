// Everything about a scenario that can be known before sending: unknown methods, params against
// the method's schema (with the variables known up front filled in), queries that do not parse,
// variables used before they are defined. Params go through the one parameter check of single
// calls, batches and the mock (api/check.ts).
import { checkParams } from '../api/check.js';
import { pointerToPath } from '../api/schema/messages.js';
import type { Registry } from '../api/schema/registry.js';
import type { CompiledValidator, MethodSchema } from '../api/schema/types.js';
import { loadValidator } from '../api/schema/validator.js';
import { closest } from '../api/suggest.js';
import type { Scenario, StepSpec } from './format.js';
import { compileQuery, prepareQueries } from '../api/query.js';
import { unsafeValues } from '../api/param-safety.js';
import { fillParams, sizeProblem } from './step-params.js';
import type { Params } from '../api/params.js';
import { builtinLookup, fill, hasPlaceholder, referencedNames, type Lookup } from './template.js';

export interface CheckInput {
  registry: Registry;
  /** --var and --vars-file, which win over the file's vars. */
  overrides: Map<string, unknown>;
  env: Record<string, string | undefined>;
  runId: string;
}

export interface Checked {
  problems: string[];
  /** The scenario's variables once resolved (captures are added as steps run). */
  vars: Map<string, unknown>;
  /**
   * The params of each step that uses no captured variable, filled and found sendable here: what
   * the run would fill and check again (the same variables, the same check), so it sends these.
   */
  ready: Map<StepSpec, Params>;
}

export async function checkScenario(scenario: Scenario, input: CheckInput): Promise<Checked> {
  const problems: string[] = [];
  const { file } = scenario;
  await prepareQueries(scenario.steps.flatMap((step) => [...step.expect.body.map(({ query }) => query), ...step.capture.map(({ query }) => query)]));
  const builtins = builtinLookup(input.runId, input.env);
  const vars = new Map<string, unknown>(input.overrides);
  const known: Lookup = (name) => (vars.has(name) ? { found: true, value: vars.get(name) } : builtins(name));
  const captureNames = new Set(scenario.steps.flatMap((step) => step.capture.map((capture) => capture.name)));
  const unknownName = (name: string) =>
    name.startsWith('env.') ? `environment variable ${name.slice(4)} is not set` : captureNames.has(name) ? `{{ ${name} }} is captured by a step, so it is not known yet here` : `unknown variable {{ ${name} }}`;

  for (const entry of scenario.vars) {
    if (input.overrides.has(entry.name)) continue;
    const value = fill(entry.value, known);
    for (const name of referencedNames(entry.value)) {
      if (known(name).found) continue;
      problems.push(`${file}:${entry.line}: vars.${entry.name}: ${name === entry.name ? `{{ ${name} }} refers to itself` : unknownName(name)}`);
    }
    vars.set(entry.name, value);
  }

  const captured = new Set<string>();
  const ready = new Map<StepSpec, Params>();
  for (const step of scenario.steps) {
    const at = (path: readonly (string | number)[], message: string) => problems.push(`${file}:${step.lineOf(path)}: step ${step.index} (${step.name}): ${message}`);
    const method = input.registry.get(step.call);
    if (!method) {
      const suggestion = closest(step.call, input.registry.names());
      at(['call'], `unknown method ${step.call}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    const usable = (name: string) => known(name).found || captured.has(name);
    const report = (where: readonly (string | number)[], value: unknown) => {
      for (const name of new Set(referencedNames(value))) {
        if (usable(name)) continue;
        const later = scenario.steps.some((other) => other.index >= step.index && other.capture.some((capture) => capture.name === name));
        at(where, later ? `{{ ${name} }} is used before it is defined (it is captured by a later step)` : unknownName(name));
      }
    };
    report(['params'], step.params);
    for (const expectation of step.expect.body) {
      report(['expect', 'body', expectation.query], expectation.matcher);
      const query = compileQuery(expectation.query);
      if (!query.ok) at(['expect', 'body', expectation.query], `expect.body."${expectation.query}": ${query.problem}`);
    }
    if (step.expect.error) report(['expect', 'error'], step.expect.error);
    for (const capture of step.capture) {
      const query = compileQuery(capture.query);
      if (!query.ok) at(['capture', capture.name], `capture.${capture.name}: ${query.problem}`);
    }
    if (method) {
      const checked = await paramProblems(step, method, known);
      for (const problem of checked.problems) at(['params', ...problem.path], problem.message);
      // A captured name may also be a variable's: the run fills it with the capture, so such params wait for the run.
      if (checked.sendable && !referencedNames(step.params).some((name) => captureNames.has(name))) ready.set(step, checked.params);
    }
    for (const capture of step.capture) captured.add(capture.name);
  }
  return { problems, vars, ready };
}

/**
 * Schema problems of the params as far as they are known now, through the one parameter check
 * (api/check.ts: the same messages as single calls, secret values never quoted). Fields still
 * waiting for a capture are left out: their errors are dropped before the check describes them.
 */
async function paramProblems(step: StepSpec, method: MethodSchema, known: Lookup): Promise<{ params: Params; sendable: boolean; problems: Array<{ path: string[]; message: string }> }> {
  const { params, problems } = fillParams(step.params, known, method.schema);
  const size = sizeProblem(params);
  if (size) problems.push(size);
  // A prototype name or an integer beyond 2^53 is reported with its line by format.ts (or options.ts for --vars-file); the schema would only repeat it.
  if (unsafeValues(params).length) return { params, sendable: false, problems: problems.map((message) => ({ path: [], message })) };
  const validate = await loadValidator(method);
  const knownNow: CompiledValidator = Object.assign(
    (data: unknown) => {
      const valid = validate(data);
      knownNow.errors = (validate.errors ?? []).filter((error) => error.keyword === 'required' || error.keyword === 'additionalProperties' || !hasPlaceholder(valueAt(data, pointerToPath(error.instancePath))));
      return valid || knownNow.errors.length === 0;
    },
    { errors: null as CompiledValidator['errors'] },
  );
  const nameOf = (path: string[]) => `params.${path.join('.')}`;
  const all = [...problems, ...checkParams(method, knownNow, params, nameOf)].map((message) => {
    // The line of the field the message names, where there is one.
    const path = /params\.([\w.]+)/.exec(message)?.[1]?.split('.') ?? [];
    return { path, message };
  });
  // Text a variable brought in that looks like a template (`{{ x }}`) was let through above; the run checks it whole.
  return { params, sendable: all.length === 0 && !hasPlaceholder(params), problems: all };
}

function valueAt(data: unknown, path: string[]): unknown {
  let value = data;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

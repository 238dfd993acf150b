// Runs one checked scenario: steps in order, each sent through the send seam, its answer checked,
// its captures added to the variables. A failed step skips the rest (they depend on it).
// `retry-until` repeats a step until its expect holds, sending again only what is safe to send
// again. A step's params are checked as filled, just before sending. Clock and sleep are injected.
import type { Params } from '../api/params.js';
import { UNSAFE_INTEGER_PROBLEM, unsafeValues, type UnsafeValue } from '../api/param-safety.js';
import { neverReachedServer } from '../api/retry.js';
import type { JsonSchema } from '../api/schema/types.js';
import { checkAnswer, show, type Failure, type ResponseSchema } from './expect.js';
import type { Scenario, StepSpec } from './format.js';
import { compileQuery } from '../api/query.js';
import type { SendResult, SendSettings, SendStep } from './send.js';
import { fillParams, paramsProblems } from './step-params.js';
import { builtinLookup, type Lookup } from './template.js';

export type StepOutcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface StepResult {
  step: StepSpec;
  outcome: StepOutcome;
  durationMs: number;
  attempts: number;
  failures: Failure[];
  /** Why the step got no answer at all (outcome 'error'). */
  error?: { code: string; message: string; exitCode: number };
  /** The last exchange, as -v shows it (secrets masked). */
  exchange?: string[];
}

export interface ScenarioResult {
  scenario: Scenario;
  steps: StepResult[];
  durationMs: number;
}

export interface StepParamsCheck {
  schema: JsonSchema;
  check: (params: Params) => string[];
}

export interface RunDeps {
  send: SendStep;
  settingsFor(method: string): SendSettings;
  responseSchemaFor(method: string): Promise<ResponseSchema | undefined>;
  /** The method's schema and its params check (api/check.ts); undefined for a method without one. */
  paramsCheckFor(method: string): Promise<StepParamsCheck | undefined>;
  env: Record<string, string | undefined>;
  /** Params filled and checked before the run (check.ts `ready`): sent as they are. */
  ready?: ReadonlyMap<StepSpec, Params>;
  runId: string;
  now(): number;
  sleep(ms: number): Promise<void>;
  onStep?(result: StepResult, scenario: Scenario): void;
  /** Masks the secrets known so far in a text (Context.redact): the actual values a failure quotes. */
  redact?: (text: string) => string;
}

export async function runScenario(scenario: Scenario, vars: Map<string, unknown>, deps: RunDeps): Promise<ScenarioResult> {
  const started = deps.now();
  const values = new Map(vars);
  const builtins = builtinLookup(deps.runId, deps.env);
  const lookup: Lookup = (name) => (values.has(name) ? { found: true, value: values.get(name) } : builtins(name));
  const steps: StepResult[] = [];
  let stopped = false;
  for (const step of scenario.steps) {
    const result: StepResult = stopped ? { step, outcome: 'skipped', durationMs: 0, attempts: 0, failures: [] } : await runStep(step, lookup, values, deps);
    if (result.outcome !== 'passed') stopped = true;
    steps.push(result);
    deps.onStep?.(result, scenario);
  }
  return { scenario, steps, durationMs: deps.now() - started };
}

async function runStep(step: StepSpec, lookup: Lookup, values: Map<string, unknown>, deps: RunDeps): Promise<StepResult> {
  const settings = deps.settingsFor(step.call);
  const ready = deps.ready?.get(step);
  const filled = ready ? { ok: true as const, params: ready } : await fillAndCheck(step, lookup, deps);
  if (!filled.ok) {
    return { step, outcome: 'failed', durationMs: 0, attempts: 0, failures: filled.refused.map((problem) => ({ expectation: 'params (checked before sending; nothing was sent)', expected: 'what the method accepts', actual: problem })) };
  }
  const { params } = filled;
  const responseSchema = step.expect.schema ? await deps.responseSchemaFor(step.call) : undefined;
  const started = deps.now();
  const budgetMs = step.retryUntil ? (step.retryUntil.timeoutMs ?? settings.network.timeouts.totalMs) : 0;
  let attempts = 0;
  for (;;) {
    const sent: SendResult = await deps.send(step.call, params, settings);
    attempts += sent.attempts;
    const durationMs = deps.now() - started;
    const base = { step, durationMs, attempts };
    const again = step.retryUntil !== undefined && deps.now() - started + step.retryUntil.intervalMs <= budgetMs;
    if (sent.kind === 'failure') {
      // No answer: the call may have reached the server (a timeout, a reset). Only a read, or a
      // call that never left, is sent again; a second createFirstOrder would be a second order.
      const repeatable = settings.idempotent || neverReachedServer(sent.code);
      if (again && repeatable) {
        await deps.sleep((step.retryUntil as { intervalMs: number }).intervalMs);
        continue;
      }
      const note = again ? ` (retry-until does not send ${step.call} again: it is not idempotent, and the server may have received it)` : '';
      return { ...base, outcome: 'error', failures: [], error: { code: sent.code, message: `${sent.message}${note}`, exitCode: sent.exitCode }, exchange: sent.exchange() };
    }
    const failures = checkAnswer(step.expect, sent, lookup, responseSchema, deps.redact);
    if (failures.length === 0) {
      failures.push(...capture(step, sent.json ? sent.body : null, values));
      return failures.length ? { ...base, outcome: 'failed', failures, exchange: sent.exchange() } : { ...base, outcome: 'passed', failures };
    }
    if (!again) {
      const polled = step.retryUntil ? [{ expectation: 'retry-until', expected: `the expectations to hold within ${budgetMs} ms`, actual: `still failing after ${attempts} attempts` }] : [];
      return { ...base, outcome: 'failed', failures: [...failures, ...polled], exchange: sent.exchange() };
    }
    await deps.sleep(step.retryUntil?.intervalMs ?? 0);
  }
}

/** Captured values are only known now: the params are checked again as they will be sent. The params, or why they may not be sent. */
async function fillAndCheck(step: StepSpec, lookup: Lookup, deps: RunDeps): Promise<{ ok: true; params: Params } | { ok: false; refused: string[] }> {
  const checker = await deps.paramsCheckFor(step.call);
  const filled = fillParams(step.params, lookup, checker?.schema);
  const refused = [...filled.problems, ...paramsProblems(filled.params, checker?.check)];
  return refused.length ? { ok: false, refused } : { ok: true, params: filled.params };
}

/** Each capture's value, added to the variables; a query that finds nothing fails the step (later steps need it). */
function capture(step: StepSpec, body: unknown, values: Map<string, unknown>): Failure[] {
  const failures: Failure[] = [];
  for (const { name, query } of step.capture) {
    const compiled = compileQuery(query);
    let value: unknown = null;
    try {
      value = compiled.ok ? compiled.run(body) : null;
    } catch (error) {
      failures.push({ expectation: `capture.${name}`, expected: `a value for "${query}"`, actual: `the query failed: ${(error as Error).message}` });
      continue;
    }
    if (value === null || value === undefined) failures.push({ expectation: `capture.${name}`, expected: `a value for "${query}"`, actual: show(null) });
    else if (unsafeValues(value).length) failures.push({ expectation: `capture.${name}`, expected: 'a value later steps can send as it came', actual: unsafeCapture(unsafeValues(value)[0] as UnsafeValue) });
    else values.set(name, value);
  }
  return failures;
}

/** A captured value that cannot be sent on as it came: a whole number beyond 2^53 (JavaScript has rounded it), or a prototype name. */
function unsafeCapture(found: UnsafeValue): string {
  const where = found.path.length ? `${found.path.join('.')}: ` : '';
  return found.problem === UNSAFE_INTEGER_PROBLEM ? `${where}a whole number beyond 2^53 - 1, which is not carried exactly` : `${where}${found.problem}`;
}

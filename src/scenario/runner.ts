// Runs one checked scenario: steps in order, each sent through the send seam, its answer checked,
// its captures added to the variables. A failed step skips the rest (they depend on it).
// `retry-until` repeats a step until its expect holds. Clock and sleep are injected.
import type { Params } from '../api/params.js';
import { checkAnswer, show, type Failure, type ResponseSchema } from './expect.js';
import type { Scenario, StepSpec } from './format.js';
import { compileQuery } from './query.js';
import type { SendResult, SendSettings, SendStep } from './send.js';
import { builtinLookup, fill, type Lookup } from './template.js';

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

export interface RunDeps {
  send: SendStep;
  settingsFor(method: string): SendSettings;
  responseSchemaFor(method: string): Promise<ResponseSchema | undefined>;
  env: Record<string, string | undefined>;
  runId: string;
  now(): number;
  sleep(ms: number): Promise<void>;
  onStep?(result: StepResult, scenario: Scenario): void;
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
  const params = fill(step.params, lookup) as Params;
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
      if (again) {
        await deps.sleep((step.retryUntil as { intervalMs: number }).intervalMs);
        continue;
      }
      return { ...base, outcome: 'error', failures: [], error: { code: sent.code, message: sent.message, exitCode: sent.exitCode }, exchange: sent.exchange() };
    }
    const failures = checkAnswer(step.expect, sent, lookup, responseSchema);
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
    else values.set(name, value);
  }
  return failures;
}

// What every report and the console say about results: the totals, a failure in one line, why a
// step did not pass, the details of a failed step, and text made safe for XML (JUnit, HTML).
import type { Failure } from './expect.js';
import type { ScenarioResult, StepResult } from './runner.js';

export interface Totals {
  scenarios: number;
  steps: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

export function totals(results: readonly ScenarioResult[]): Totals {
  const all = results.flatMap((result) => result.steps);
  const count = (outcome: StepResult['outcome']) => all.filter((step) => step.outcome === outcome).length;
  return { scenarios: results.length, steps: all.length, passed: count('passed'), failed: count('failed'), errors: count('error'), skipped: count('skipped') };
}

/** One line per failed expectation. */
export function failureLine(failure: Failure): string {
  return `${failure.expectation}: expected ${failure.expected}, got ${failure.actual}`;
}

/** Why a step did not pass, in one line. */
export function reason(step: StepResult): string {
  if (step.outcome === 'error') return step.error?.message ?? 'no answer';
  if (step.outcome === 'skipped') return 'not run: an earlier step of this scenario did not pass';
  return step.failures.map(failureLine).join('; ');
}

/** What a failed step's report holds: where it is, what failed, and the exchange. */
export function detailLines(step: StepResult): string[] {
  const where = `step ${step.step.index} (${step.step.name}), ${step.step.call}`;
  const what = step.outcome === 'error' ? [`no answer: ${step.error?.message ?? ''}`] : step.failures.map(failureLine);
  return [where, ...what, ...(step.attempts > 1 ? [`after ${step.attempts} attempts`] : []), ...(step.exchange ?? [])];
}

/** Text for an XML attribute or element: escaped, and without the control characters XML 1.0 cannot hold. */
export function xml(text: string): string {
  return text
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Text for an XML attribute: as xml(), and line breaks and tabs as character references (a parser turns raw ones into spaces). */
export function attr(text: string): string {
  return xml(text).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

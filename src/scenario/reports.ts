// --report junit:FILE, tap:FILE and json:FILE: pure functions of the results. JUnit is one
// testsuite per file and one testcase per step, as CI servers (Jenkins, GitLab, GitHub actions)
// read it. Everything printed has gone through `redact` (the token never lands in a report).
import type { Failure } from './expect.js';
import type { ScenarioResult, StepResult } from './runner.js';

export type ReportFormat = 'junit' | 'tap' | 'json';
export const REPORT_FORMATS: ReportFormat[] = ['junit', 'tap', 'json'];

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

export function formatReport(format: ReportFormat, results: readonly ScenarioResult[], redact: (text: string) => string): string {
  switch (format) {
    case 'junit':
      return junit(results, redact);
    case 'tap':
      return tap(results, redact);
    case 'json':
      return `${JSON.stringify(jsonReport(results, redact), null, 2)}\n`;
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function junit(results: readonly ScenarioResult[], redact: (text: string) => string): string {
  const all = totals(results);
  const time = results.reduce((sum, result) => sum + result.durationMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="oneoffice test" tests="${all.steps}" failures="${all.failed}" errors="${all.errors}" skipped="${all.skipped}" time="${seconds(time)}">`,
  ];
  for (const result of results) {
    const t = totals([result]);
    const suite = result.scenario.name;
    lines.push(`  <testsuite name="${xml(suite)}" file="${xml(result.scenario.file)}" tests="${t.steps}" failures="${t.failed}" errors="${t.errors}" skipped="${t.skipped}" time="${seconds(result.durationMs)}">`);
    for (const step of result.steps) {
      const head = `    <testcase name="${xml(step.step.name)}" classname="${xml(suite)}" file="${xml(result.scenario.file)}" line="${step.step.line}" time="${seconds(step.durationMs)}"`;
      if (step.outcome === 'passed') {
        lines.push(`${head}/>`);
        continue;
      }
      lines.push(`${head}>`);
      const message = xml(redact(reason(step)));
      const details = xml(redact(detailLines(step).join('\n')));
      if (step.outcome === 'skipped') lines.push(`      <skipped message="${message}"/>`);
      else if (step.outcome === 'error') lines.push(`      <error message="${message}" type="${xml(step.error?.code ?? 'E_UNEXPECTED')}">${details}</error>`);
      else lines.push(`      <failure message="${message}" type="expectation">${details}</failure>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** What a failed step's report holds: where it is, what failed, and the exchange. */
export function detailLines(step: StepResult): string[] {
  const where = `step ${step.step.index} (${step.step.name}), ${step.step.call}`;
  const what = step.outcome === 'error' ? [`no answer: ${step.error?.message ?? ''}`] : step.failures.map(failureLine);
  return [where, ...what, ...(step.attempts > 1 ? [`after ${step.attempts} attempts`] : []), ...(step.exchange ?? [])];
}

function tap(results: readonly ScenarioResult[], redact: (text: string) => string): string {
  const steps = results.flatMap((result) => result.steps.map((step) => ({ result, step })));
  const lines = ['TAP version 14', `1..${steps.length}`];
  steps.forEach(({ result, step }, i) => {
    const title = `${result.scenario.name}: ${step.step.name}`.replace(/#/g, '\\#').replace(/\n/g, ' ');
    if (step.outcome === 'passed') lines.push(`ok ${i + 1} - ${title}`);
    else if (step.outcome === 'skipped') lines.push(`ok ${i + 1} - ${title} # SKIP an earlier step did not pass`);
    else {
      lines.push(`not ok ${i + 1} - ${title}`, '  ---', `  file: ${JSON.stringify(result.scenario.file)}`, `  line: ${step.step.line}`, `  method: ${step.step.call}`);
      lines.push(`  message: ${JSON.stringify(redact(reason(step)))}`, `  duration_ms: ${Math.round(step.durationMs)}`, '  ...');
    }
  });
  return `${lines.join('\n')}\n`;
}

function jsonReport(results: readonly ScenarioResult[], redact: (text: string) => string) {
  return {
    summary: totals(results),
    scenarios: results.map((result) => ({
      name: result.scenario.name,
      file: result.scenario.file,
      durationMs: Math.round(result.durationMs),
      steps: result.steps.map((step) => ({
        index: step.step.index,
        name: step.step.name,
        method: step.step.call,
        line: step.step.line,
        outcome: step.outcome,
        durationMs: Math.round(step.durationMs),
        attempts: step.attempts,
        ...(step.failures.length ? { failures: step.failures.map((failure) => ({ expectation: redact(failure.expectation), expected: redact(failure.expected), actual: redact(failure.actual) })) } : {}),
        ...(step.error ? { error: { code: step.error.code, message: redact(step.error.message) } } : {}),
      })),
    })),
  };
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

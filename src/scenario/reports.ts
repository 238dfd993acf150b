// --report junit:FILE, tap:FILE, json:FILE and html:FILE (html-report.ts): pure functions of the
// results. JUnit is one testsuite per file and one testcase per step, in the shape CI servers read
// (see junit below). Everything printed has gone through `redact` (the token never lands in a report).
import { htmlReport } from './html-report.js';
import { attr, detailLines, reason, totals, xml } from './report-text.js';
import type { ScenarioResult } from './runner.js';

import type { ReportFormat } from '../options/args.js';

export { REPORT_FORMATS, type ReportFormat } from '../options/args.js';

/**
 * The report of a run. `incomplete` says why the run did not finish (stopped by a signal, refused,
 * or not finished yet: what a report file holds while it runs), and the report says so in the way
 * its readers count as a failure: a JUnit error, a TAP "Bail out!", `complete: false` in JSON.
 */
export function formatReport(format: ReportFormat, results: readonly ScenarioResult[], redact: (text: string) => string, incomplete?: string): string {
  switch (format) {
    case 'junit':
      return junit(results, redact, incomplete);
    case 'tap':
      return tap(results, redact, incomplete);
    case 'json':
      return `${JSON.stringify(jsonReport(results, redact, incomplete), null, 2)}\n`;
    case 'html':
      return htmlReport(results, redact, incomplete);
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * The shape every CI reader takes (Jenkins' junit and xUnit plugins, GitLab, Azure, GitHub
 * actions), leaving out what the strictest refuses (the xUnit plugin's XSD: no `file`/`line` on testcases; the place is
 * the first line of a failure's text). GitLab keys a testcase by suite, classname and name: the
 * classname is the scenario file's path and the name starts with the step's number, so each step
 * of a run has its own key even when two files share a name and steps their method.
 */
function junit(results: readonly ScenarioResult[], redact: (text: string) => string, incomplete?: string): string {
  const all = totals(results);
  const time = results.reduce((sum, result) => sum + result.durationMs, 0);
  const extra = incomplete === undefined ? 0 : 1;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="oneoffice test" tests="${all.steps + extra}" failures="${all.failed}" errors="${all.errors + extra}" time="${seconds(time)}">`,
  ];
  for (const result of results) {
    const t = totals([result]);
    const file = result.scenario.file;
    lines.push(`  <testsuite name="${attr(result.scenario.name)}" file="${attr(file)}" tests="${t.steps}" failures="${t.failed}" errors="${t.errors}" skipped="${t.skipped}" time="${seconds(result.durationMs)}">`);
    for (const step of result.steps) {
      const head = `    <testcase name="${attr(`${step.step.index}. ${step.step.name}`)}" classname="${attr(file)}" time="${seconds(step.durationMs)}"`;
      if (step.outcome === 'passed') {
        lines.push(`${head}/>`);
        continue;
      }
      lines.push(`${head}>`);
      const message = attr(redact(reason(step)));
      const details = xml(redact([`${file}:${step.step.line}`, ...detailLines(step)].join('\n')));
      if (step.outcome === 'skipped') lines.push(`      <skipped message="${message}"/>`);
      else if (step.outcome === 'error') lines.push(`      <error message="${message}" type="${attr(step.error?.code ?? 'E_UNEXPECTED')}">${details}</error>`);
      else lines.push(`      <failure message="${message}" type="expectation">${details}</failure>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  if (incomplete !== undefined) {
    lines.push('  <testsuite name="oneoffice test" tests="1" failures="0" errors="1" skipped="0" time="0.000">');
    lines.push(`    <testcase name="the run finished" classname="oneoffice test" time="0.000">`, `      <error message="${attr(redact(incomplete))}" type="E_INCOMPLETE"/>`, '    </testcase>', '  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/**
 * TAP 13, not 14: Debian's prove (Test::Harness 3.44) stops at "TAP version 14", and our YAML
 * blocks are TAP 13's. Descriptions escape `\` and `#` as the TAP spec says (an unescaped `#`
 * starts a directive: a step named `C:\# TODO` would read as a TODO, its failure as a pass).
 */
function tap(results: readonly ScenarioResult[], redact: (text: string) => string, incomplete?: string): string {
  const steps = results.flatMap((result) => result.steps.map((step) => ({ result, step })));
  // An incomplete run has no plan: it ends with "Bail out!", which every TAP reader fails.
  const lines = ['TAP version 13', ...(incomplete === undefined ? [`1..${steps.length}`] : [])];
  steps.forEach(({ result, step }, i) => {
    const title = tapDescription(`${result.scenario.name}: ${step.step.name}`);
    if (step.outcome === 'passed') lines.push(`ok ${i + 1} - ${title}`);
    else if (step.outcome === 'skipped') lines.push(`ok ${i + 1} - ${title} # SKIP an earlier step did not pass`);
    else {
      lines.push(`not ok ${i + 1} - ${title}`, '  ---', `  file: ${yamlString(result.scenario.file)}`, `  line: ${step.step.line}`, `  method: ${yamlString(step.step.call)}`);
      lines.push(`  message: ${yamlString(redact(reason(step)))}`, `  duration_ms: ${Math.round(step.durationMs)}`, '  ...');
    }
  });
  if (incomplete !== undefined) lines.push(`Bail out! ${tapDescription(redact(incomplete))}`);
  return `${lines.join('\n')}\n`;
}

/** A TAP description on one line: `\` and `#` escaped, control characters (C0, DEL, C1) written as escapes. */
export function tapDescription(text: string): string {
  return text.replace(/[\\#]/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => CONTROL_NAMES[c] ?? `\\x{${c.charCodeAt(0).toString(16)}}`);
}

const CONTROL_NAMES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A YAML double-quoted scalar every YAML reader takes: JSON's escapes (a subset of YAML's), plus
 * DEL, C1 controls, line and paragraph separators and the non-characters, which JSON leaves raw
 * and YAML readers (PyYAML) refuse or fold.
 */
export function yamlString(text: string): string {
  return JSON.stringify(text).replace(/[\x7f-\x9f\u2028\u2029\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function jsonReport(results: readonly ScenarioResult[], redact: (text: string) => string, incomplete?: string) {
  return {
    complete: incomplete === undefined,
    ...(incomplete === undefined ? {} : { incomplete: redact(incomplete) }),
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

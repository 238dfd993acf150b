// --report html:FILE: one page to open from a CI job's artifacts, as Hurl's HTML report is: the
// totals, then each scenario with a row per step (outcome, method, line, time) and, for a step that
// did not pass, what failed and the exchange as -v shows it. Self-contained (inline CSS, no script,
// nothing fetched), and well-formed XML as well as HTML, so a test can read it with an XML parser.
// A pure function of the results; everything printed has gone through `redact`.
import { detailLines, reason, totals, xml } from './report-text.js';
import type { ScenarioResult, StepResult } from './runner.js';

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #ddd}
.passed{color:#17702b}.failed,.error{color:#b3261e}.skipped{color:#777}
pre{background:#f6f6f6;padding:.8em;overflow:auto;white-space:pre-wrap}
.totals span{margin-right:1.2em}`;

const OUTCOME_WORDS: Record<StepResult['outcome'], string> = { passed: 'passed', failed: 'failed', error: 'no answer', skipped: 'skipped' };

export function htmlReport(results: readonly ScenarioResult[], redact: (text: string) => string, incomplete?: string): string {
  const all = totals(results);
  const ms = results.reduce((sum, result) => sum + result.durationMs, 0);
  const verdict = incomplete !== undefined ? 'INCOMPLETE' : all.failed + all.errors ? 'FAILED' : 'OK';
  const lines = [
    '<!DOCTYPE html>',
    '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    `<title>oneoffice test: ${verdict}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1 class="${verdict === 'OK' ? 'passed' : 'failed'}">oneoffice test: ${verdict}</h1>`,
    `<p class="totals"><span>${all.scenarios} scenario${all.scenarios === 1 ? '' : 's'}</span><span>${all.steps} step${all.steps === 1 ? '' : 's'}</span>` +
      `<span class="passed">${all.passed} passed</span><span class="failed">${all.failed} failed</span><span class="error">${all.errors} without an answer</span>` +
      `<span class="skipped">${all.skipped} skipped</span><span>${(ms / 1000).toFixed(1)} s</span></p>`,
    ...(incomplete === undefined ? [] : [`<p class="failed">${xml(redact(incomplete))}</p>`]),
  ];
  for (const result of results) lines.push(...scenarioSection(result, redact));
  lines.push('</body>', '</html>');
  return `${lines.join('\n')}\n`;
}

function scenarioSection(result: ScenarioResult, redact: (text: string) => string): string[] {
  const text = (value: string) => xml(redact(value));
  const lines = [
    `<h2>${text(result.scenario.name)} <small>${text(result.scenario.file)}</small></h2>`,
    '<table>',
    '<tr><th>#</th><th>step</th><th>method</th><th>line</th><th>outcome</th><th>time</th></tr>',
  ];
  for (const step of result.steps) {
    const { outcome } = step;
    lines.push(
      `<tr class="${outcome}"><td>${step.step.index}</td><td>${text(step.step.name)}</td><td>${text(step.step.call)}</td>` +
        `<td>${step.step.line}</td><td>${OUTCOME_WORDS[outcome]}</td><td>${outcome === 'skipped' ? '' : `${Math.round(step.durationMs)} ms`}</td></tr>`,
    );
    if (outcome === 'failed' || outcome === 'error') {
      lines.push(`<tr class="${outcome}"><td></td><td colspan="5"><p>${text(reason(step))}</p><pre>${text(detailLines(step).join('\n'))}</pre></td></tr>`);
    }
  }
  lines.push('</table>');
  return lines;
}

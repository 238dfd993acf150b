// What `oneoffice test` prints on stdout, like a test runner: on a terminal one line per step with
// its time, otherwise a character per step (. passed, F failed, E no answer, S skipped); then each
// failure with its expectation, the actual value and the exchange as -v shows it (secrets masked),
// and a summary line.
import { visibleControls } from '../output/controls.js';
import { detailLines, totals, type Totals } from './report-text.js';
import type { ScenarioResult, StepResult } from './runner.js';
import type { Scenario } from './format.js';

export interface ConsoleStyle {
  pass(text: string): string;
  fail(text: string): string;
  dim(text: string): string;
}

export const plainStyle: ConsoleStyle = { pass: (t) => t, fail: (t) => t, dim: (t) => t };

const DOTS: Record<StepResult['outcome'], string> = { passed: '.', failed: 'F', error: 'E', skipped: 'S' };
const MARKS: Record<StepResult['outcome'], string> = { passed: '✓', failed: '✗', error: '✗', skipped: '-' };

export class ConsoleReporter {
  private dots = 0;
  /** Lines of scenarios still running, when several run at once (a block each, printed when done). */
  private readonly blocks = new Map<Scenario, string[]>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { lines: boolean; live: boolean; style: ConsoleStyle; redact: (text: string) => string },
  ) {}

  step(result: StepResult, scenario: Scenario): void {
    if (!this.options.lines) {
      const dot = DOTS[result.outcome];
      this.write(result.outcome === 'passed' || result.outcome === 'skipped' ? dot : this.options.style.fail(dot));
      this.dots++;
      return;
    }
    let block = this.blocks.get(scenario);
    if (!block) {
      block = [`${scenario.file} (${scenario.name})`];
      this.blocks.set(scenario, block);
    }
    block.push(this.stepLine(result));
    if (this.options.live) {
      this.write(`${block.join('\n')}\n`);
      block.length = 0;
    }
  }

  scenarioDone(result: ScenarioResult): void {
    const block = this.blocks.get(result.scenario);
    if (block?.length) this.write(`${block.join('\n')}\n`);
    this.blocks.delete(result.scenario);
  }

  private stepLine(result: StepResult): string {
    const { style } = this.options;
    const mark = result.outcome === 'passed' ? style.pass(MARKS.passed) : result.outcome === 'skipped' ? style.dim(MARKS.skipped) : style.fail(MARKS[result.outcome]);
    const time = result.outcome === 'skipped' ? style.dim('skipped') : style.dim(`${Math.round(result.durationMs)} ms`);
    return `  ${mark} ${this.options.redact(result.step.name)}  ${time}`;
  }

  /** The failures in detail, then the summary. */
  finish(results: readonly ScenarioResult[], elapsedMs: number): Totals {
    if (this.dots > 0) this.write('\n');
    const failed = results.flatMap((result) => result.steps.filter((step) => step.outcome === 'failed' || step.outcome === 'error').map((step) => ({ result, step })));
    if (failed.length) this.write('\nFailures:\n');
    failed.forEach(({ result, step }, i) => {
      const [where, ...rest] = detailLines(step);
      const head = `${i + 1}) ${result.scenario.file}:${step.step.line}: ${where}`;
      // Answers are the server's text: control characters (terminal escapes) are shown, never obeyed, as for single calls.
      const shown = (line: string) => visibleControls(this.options.redact(line));
      this.write(`\n${this.options.style.fail(shown(head))}\n${rest.map((line) => `   ${shown(line)}`).join('\n')}\n`);
    });
    const all = totals(results);
    const parts = [`${all.passed} passed`, ...(all.failed ? [`${all.failed} failed`] : []), ...(all.errors ? [`${all.errors} without an answer`] : []), ...(all.skipped ? [`${all.skipped} skipped`] : [])];
    const word = all.failed + all.errors ? this.options.style.fail('FAILED') : this.options.style.pass('OK');
    const scenarios = `${all.scenarios} scenario${all.scenarios === 1 ? '' : 's'}, ${all.steps} step${all.steps === 1 ? '' : 's'}`;
    this.write(`\n${word}: ${scenarios}: ${parts.join(', ')} in ${(elapsedMs / 1000).toFixed(1)} s\n`);
    return all;
  }
}

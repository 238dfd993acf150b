// The progress bar of `oneoffice test` (stderr, terminals only): steps done over the steps of every
// checked scenario (a step skipped after its scenario failed is done too), steps per second, failures
// so far (failed expectations and steps without an answer), time left. On stdout, when that is a
// terminal too, step lines are written above the bar, never through it.
import type { Writable } from 'node:stream';
import { SIGNAL_EXIT_CODES, STOP_SIGNALS, type StopSignal } from '../api/errors.js';
import { ProgressDisplay, type PaceFacts } from '../output/progress-display.js';
import type { Scenario } from './format.js';
import type { StepResult } from './runner.js';

export function stepCount(scenarios: Iterable<{ scenario: Scenario }>): number {
  let steps = 0;
  for (const { scenario } of scenarios) steps += scenario.steps.length;
  return steps;
}

export class StepProgress {
  done = 0;
  failed = 0;
  private readonly display: ProgressDisplay;

  constructor(stderr: Writable, options: { enabled: boolean; total: number; now?: () => number; pace?: () => PaceFacts }) {
    this.display = new ProgressDisplay(stderr, { ...options, label: 'test' });
  }

  step(result: StepResult): void {
    this.done++;
    if (result.outcome === 'failed' || result.outcome === 'error') this.failed++;
    this.display.update(this);
  }

  /** How to write to stdout: above the bar when stdout is a terminal (the same one, as a rule). */
  writer(stdout: Writable & { isTTY?: boolean }): (text: string) => void {
    if (!this.display.enabled || stdout.isTTY !== true) return (text) => void stdout.write(text);
    return (text) => this.display.above(() => void stdout.write(text));
  }

  get enabled(): boolean {
    return this.display.enabled;
  }

  /** Before the failures and the summary: the final screen is as without a bar. */
  clear(): void {
    this.display.clear();
  }
}

/**
 * Ctrl-C, kill, a closed terminal or Ctrl-Break during the run: erase the bar, so the shell's
 * prompt does not land after it, let `onStop` write what must be written (the reports of what ran),
 * and end as an interrupted command does (130, 143, 129, 149). No handlers without a bar or an
 * `onStop`: the signal then ends the process as it always has. Returns the undo.
 */
export function eraseOnSignals(progress: StepProgress, exit: (code: number) => void, onStop?: (signal: StopSignal) => void): () => void {
  if (!progress.enabled && !onStop) return () => undefined;
  const handler = (signal: StopSignal) => {
    progress.clear();
    onStop?.(signal);
    exit(SIGNAL_EXIT_CODES[signal]);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}

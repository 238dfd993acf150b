// Pass 1: every line checked before anything is sent, all problems collected (up to a limit, so
// that a file of a million bad lines cannot fill memory), and the calls to send counted.
import type { StopControl } from './gate.js';
import type { BatchInput } from './input.js';
import type { PriorState } from './prior.js';
import type { InputFormat } from './records.js';
import type { Preparer } from './prepare.js';
import { readRecords } from './records.js';

/** Problems kept for the report; past this only their count and lines are. */
const MAX_PROBLEMS = 10_000;

export interface CheckResult {
  /** Lines that are valid calls. */
  calls: number;
  /** Of those, the ones pass 2 will send (not done before, not uncertain unless retried). */
  toSend: number;
  invalidLines: number;
  problems: string[];
  /** Problems past MAX_PROBLEMS, not kept. */
  moreProblems: number;
  interrupted: boolean;
}

export interface CheckPlan {
  format: InputFormat;
  prior: PriorState | undefined;
  retryUncertain: boolean;
  retryFailed: boolean;
}

export async function checkInput(input: BatchInput, preparer: Preparer, plan: CheckPlan, stop: StopControl): Promise<CheckResult> {
  const result: CheckResult = { calls: 0, toSend: 0, invalidLines: 0, problems: [], moreProblems: 0, interrupted: false };
  const unwatch = stop.onChange(() => input.abort());
  const { prior } = plan;
  try {
    for await (const records of readRecords(input.firstPass(), plan.format)) {
      for (const record of records) {
        const pending = preparer.prepare(record);
        const prepared = pending instanceof Promise ? await pending : pending;
        if (prepared.kind === 'invalid') {
          result.invalidLines++;
          const room = Math.max(0, MAX_PROBLEMS - result.problems.length);
          result.problems.push(...prepared.problems.slice(0, room));
          result.moreProblems += Math.max(0, prepared.problems.length - room);
        } else if (prepared.kind === 'call') {
          result.calls++;
          const line = prepared.call.line;
          const retried = plan.retryFailed && prior?.failed.has(line) === true;
          const skipped = prior !== undefined && !retried && (prior.done.has(line) || (prior.sent.has(line) && !plan.retryUncertain));
          if (!skipped) result.toSend++;
        }
      }
      if (stop.stopping) break;
    }
  } catch (error) {
    if (!stop.stopping) throw error;
  } finally {
    unwatch();
  }
  result.interrupted = stop.stopping;
  return result;
}

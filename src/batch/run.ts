// Pass 2: the input read again and the calls started one by one in input order, each marked
// "sending" before it goes out and recorded as it completes. Lines with a result from an earlier
// run are skipped; lines sent without one are reported as uncertain and, unless asked, not sent.
import type { CallRequest } from '../api/request.js';
import { JsonTextMask } from '../api/mask.js';
import type { Gate, StopControl } from './gate.js';
import type { BatchInput } from './input.js';
import type { PriorState } from './prior.js';
import type { InputFormat } from './records.js';
import { resultRecord, uncertainRecord, type Outcome } from './outcome.js';
import type { PreparedCall, Preparer } from './prepare.js';
import type { Tally } from './progress.js';
import type { ProgressDisplay } from '../output/progress-display.js';
import { readRecords } from './records.js';
import type { ResultSink } from './sink.js';

export interface RunPlan {
  input: BatchInput;
  format: InputFormat;
  preparer: Preparer;
  prior: PriorState | undefined;
  retryUncertain: boolean;
  retryFailed: boolean;
  stopOnError: boolean;
  gate: Gate;
  stop: StopControl;
  tally: Tally;
  progress: ProgressDisplay;
  sink: ResultSink;
  build(call: PreparedCall): CallRequest;
  /** Sends a call (never throws); absent with --dry-run. */
  perform?: (request: CallRequest, call: PreparedCall, onRetry: (message: string) => void, secrets: JsonTextMask) => Promise<Outcome>;
  /** The forms of the secrets known before the run (the token's): masked in every record. */
  secretForms: readonly string[];
  /** How long calls in flight may finish after Ctrl-C before they are abandoned. */
  graceMs: number;
}

export interface RunResult {
  /** Calls built (--dry-run) or started. */
  started: number;
  /** A line that passed pass 1 but not pass 2: the input changed meanwhile. */
  changedAt?: number;
}

export async function runCalls(plan: RunPlan): Promise<RunResult> {
  const { prior, stop, gate, tally, sink } = plan;
  const inFlight = new Map<number, string>();
  const result: RunResult = { started: 0 };
  const tokenMask = new JsonTextMask([...plan.secretForms]);
  let grace: NodeJS.Timeout | undefined;
  const unwatch = stop.onChange(() => {
    if (stop.signal && !grace) grace = setTimeout(() => stop.giveUp(), plan.graceMs).unref();
  });

  // A server may echo a secret param back (`password Hunter2 is too weak`): masked in the record too.
  const maskFor = (call: PreparedCall) => (call.secrets?.length ? new JsonTextMask([...plan.secretForms, ...call.secrets]) : tokenMask);
  const finish = (call: PreparedCall, outcome: Outcome, mask: JsonTextMask) => {
    // Already recorded as abandoned: a late answer must not give the line a second record.
    if (!inFlight.delete(call.line)) return;
    tally.add(call.line, outcome);
    if (!outcome.ok && plan.stopOnError) stop.onFailure();
    // The gate first: its wake-up is scheduled before the record's flush, so in the next turn the
    // next calls go out before the results are written (both still in that turn).
    gate.leave();
    sink.write(resultRecord(call.line, call.method, outcome, mask));
    plan.progress.update(tally);
  };

  // Calls that may start now wait here until the loop would otherwise wait: then their "sending"
  // marks are written in one go, and only then are they sent.
  const starting: Array<{ call: PreparedCall; request: CallRequest }> = [];
  const launch = () => {
    if (!starting.length) return;
    const failure = sink.sending(starting.map(({ call }) => call.line));
    if (failure !== undefined) {
      // Not marked, so not sent: a resume sends them.
      for (const { call } of starting) {
        inFlight.delete(call.line);
        gate.leave();
        result.started--;
      }
      starting.length = 0;
      stop.onOutputFailure(failure);
      return;
    }
    for (const { call, request } of starting) {
      const onRetry = (message: string) => plan.progress.note(`oneoffice: warning: line ${call.line}: ${message}`);
      const mask = maskFor(call);
      void (plan.perform as NonNullable<RunPlan['perform']>)(request, call, onRetry, mask).then((outcome) => finish(call, outcome, mask));
    }
    starting.length = 0;
  };

  // A failure to read the input still lets the calls in flight finish and be recorded.
  let readFailure: { error: unknown } | undefined;
  try {
    reading: for await (const records of readRecords(plan.input.secondPass(), plan.format)) {
      for (const record of records) {
        if (record.kind === 'header') {
          await plan.preparer.prepare(record);
          continue;
        }
        if (stop.stopping) break reading;
        const earlierFailure = prior?.failed.get(record.line);
        if (prior?.done.has(record.line) && !(plan.retryFailed && earlierFailure !== undefined)) {
          tally.skipped++;
          if (earlierFailure !== undefined) tally.addEarlierFailure(earlierFailure);
          continue;
        }
        const pending = plan.preparer.prepare(record);
        const prepared = pending instanceof Promise ? await pending : pending;
        if (prepared.kind !== 'call') {
          result.changedAt = record.line;
          break reading;
        }
        const { call } = prepared;
        if (prior?.sent.has(call.line) && !prior.done.has(call.line) && !plan.retryUncertain) {
          if (plan.perform && !prior.reportedUncertain.has(call.line)) {
            sink.write(uncertainRecord(call.line, call.method, 'sent before the batch was interrupted, but no answer was recorded: it may or may not have been done; not sent again (check on the server, or resume with --retry-uncertain)'));
          }
          tally.addUncertain(call.line);
          continue;
        }
        const request = plan.build(call);
        if (!plan.perform) {
          result.started++;
          continue;
        }
        if (!gate.tryEnter()) {
          launch();
          if (!(await gate.enter())) break reading;
        }
        inFlight.set(call.line, call.method);
        starting.push({ call, request });
        result.started++;
      }
      launch();
    }
  } catch (error) {
    readFailure = { error };
  }
  try {
    launch();
    await gate.drain();
    for (const [line, method] of inFlight) {
      sink.write(uncertainRecord(line, method, `abandoned in flight when the batch was interrupted (${stop.signal ?? 'stopped'}): it may or may not have been done; not sent again unless resumed with --retry-uncertain`));
      tally.abandoned++;
    }
    inFlight.clear();
  } finally {
    unwatch();
    clearTimeout(grace);
  }
  if (readFailure) throw readFailure.error;
  return result;
}

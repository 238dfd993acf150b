// Counting outcomes (what the progress bar shows) and the summary (always).
import { ExitCode } from '../api/errors.js';
import { failureKind, type Outcome } from './outcome.js';
import type { ThrottleFacts } from '../client/throttle.js';

/** Uncertain line numbers listed in the summary; the results file has them all. */
const LISTED_UNCERTAIN = 20;

export class Tally {
  ok = 0;
  failed = 0;
  readonly byKind = new Map<string, number>();
  /** Highest exit code among failures (the documented rule for the batch's exit code). */
  worstExitCode = 0;
  firstFailure: { line: number; exitCode: number } | undefined;
  /** Lines that already had a result (--resume). */
  skipped = 0;
  /** Of those, the ones whose result was a failure: they still count in the exit code. */
  earlierFailed = 0;
  readonly uncertain: number[] = [];
  uncertainCount = 0;
  abandoned = 0;

  get done(): number {
    return this.ok + this.failed;
  }

  add(line: number, outcome: Outcome): void {
    if (outcome.ok) {
      this.ok++;
      return;
    }
    this.failed++;
    const kind = failureKind(outcome.exitCode);
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    this.worstExitCode = Math.max(this.worstExitCode, outcome.exitCode);
    this.firstFailure ??= { line, exitCode: outcome.exitCode };
  }

  /** A line skipped on --resume whose final result was a failure. */
  addEarlierFailure(exitCode: number): void {
    this.earlierFailed++;
    this.worstExitCode = Math.max(this.worstExitCode, exitCode);
  }

  /** Sent, with no answer recorded: counted as a network failure (its answer was lost with the connection). */
  addUncertain(line: number): void {
    this.uncertainCount++;
    if (this.uncertain.length < LISTED_UNCERTAIN) this.uncertain.push(line);
    this.worstExitCode = Math.max(this.worstExitCode, ExitCode.network);
  }
}

export interface SummaryFacts {
  tally: Tally;
  seconds: number;
  resultsPath: string | undefined;
  /** Calls that were to be sent but were not (stopped or interrupted). */
  notSent: number;
  stoppedAt: number | undefined;
  signal: string | undefined;
  /** Why the results could not be written (stdout closed, disk full), and how many records were lost. */
  outputFailure?: { why: string; lost: number } | undefined;
  /** The command that runs the rest, when there is a rest and a results file. */
  resumeCommand: string | undefined;
  /** What the server said about the pace: its 429s, and the rate the batch adapted to. */
  pace?: ThrottleFacts;
}

export function summaryLines(facts: SummaryFacts): string[] {
  const { tally, seconds } = facts;
  const sent = tally.done;
  const parts = [`batch: ${plural(sent, 'call')} in ${seconds.toFixed(1)} s${sent && seconds > 0 ? ` (${Math.round(sent / seconds)}/s)` : ''}`];
  const outcomes = [`${tally.ok} ok`];
  if (tally.failed) outcomes.push(`${tally.failed} failed (${[...tally.byKind].map(([kind, count]) => `${count} ${kind}`).join(', ')})`);
  if (sent) parts[0] += `: ${outcomes.join(', ')}`;
  if (facts.pace?.tooManyRequests) {
    const { tooManyRequests, ratePerS } = facts.pace;
    const paced = ratePerS === undefined ? '' : `, then paced, ${ratePerS < 10 ? ratePerS.toFixed(1) : Math.round(ratePerS)}/s at the end`;
    parts.push(`${plural(tooManyRequests, 'answer')} 429 Too Many Requests (all calls paused for the Retry-After${paced})`);
  }
  if (tally.skipped) {
    const failed = tally.earlierFailed ? `, ${tally.earlierFailed} of them failed: not sent again (--retry-failed would)` : '';
    parts.push(`${plural(tally.skipped, 'line')} skipped (results from before${failed})`);
  }
  if (tally.uncertainCount) {
    const more = tally.uncertainCount > tally.uncertain.length ? ', ...' : '';
    parts.push(`${tally.uncertainCount} uncertain (line${tally.uncertainCount === 1 ? '' : 's'} ${tally.uncertain.join(', ')}${more}): sent, but no answer was recorded; not sent again (--retry-uncertain would)`);
  }
  if (facts.stoppedAt !== undefined) parts.push(`stopped after the failure on line ${facts.stoppedAt} (--stop-on-error), ${facts.notSent} not sent`);
  if (facts.signal) {
    const abandoned = tally.abandoned ? `, ${tally.abandoned} in flight abandoned (recorded as uncertain)` : '';
    parts.push(`interrupted (${facts.signal}): ${facts.notSent} not sent${abandoned}`);
  }
  if (facts.outputFailure) {
    const lost = facts.outputFailure.lost ? `, ${plural(facts.outputFailure.lost, 'result')} of calls made could not be written` : '';
    parts.push(`stopped: ${facts.outputFailure.why}: ${facts.notSent} not sent${lost}`);
  }
  if (facts.resultsPath !== undefined) parts.push(`results in ${facts.resultsPath}`);
  const lines = [parts.join('; ')];
  if (facts.resumeCommand) lines.push(`batch: to run the rest: ${facts.resumeCommand}`);
  else if ((facts.signal || facts.stoppedAt !== undefined || facts.outputFailure) && facts.resultsPath === undefined) {
    lines.push('batch: the results went to stdout only; run with --results <file> to be able to resume a batch');
  }
  return lines;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

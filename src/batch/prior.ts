// What an earlier run of a batch recorded (--resume): which lines have a final result, which of
// those failed (and how: they count in the summary and exit code, and --retry-failed sends them
// again), and which were marked "sending". A journal that cannot vouch for itself (no header, a
// header that fails its checksum, results without marks) is refused: trusting it could send a
// line twice.
import { existsSync } from 'node:fs';
import { ExitCode, UsageError } from '../api/errors.js';
import { readJson } from '../api/json.js';
import { headerCheck, JOURNAL_KIND, journalPathOf, sizeOf, type JournalHeader } from './journal.js';
import { LineSet } from './line-set.js';
import { fileStream, readLines } from './lines.js';

export interface PriorState {
  /** Lines with a final result (ok or failed). */
  done: LineSet;
  /** Lines whose last final result failed, with the exit code a single call would have given. */
  failed: Map<number, number>;
  /** Lines marked "sending". */
  sent: LineSet;
  /** Lines already reported as uncertain in the results file. */
  reportedUncertain: LineSet;
  header: JournalHeader | undefined;
}

export async function readPriorState(resultsPath: string): Promise<PriorState> {
  const journalPath = journalPathOf(resultsPath);
  const state: PriorState = { done: new LineSet(), failed: new Map(), sent: new LineSet(), reportedUncertain: new LineSet(), header: undefined };
  const hasResults = sizeOf(resultsPath) > 0;
  if (hasResults && !existsSync(journalPath)) {
    throw new UsageError(`--resume: ${journalPath} is missing, so which calls were sent cannot be told; restore it, or start over with another --results file`, 'E_NO_JOURNAL');
  }
  // A record cut short (only a power cut can do that) is not valid JSON: it counts as not written.
  await eachRecord(resultsPath, (record) => {
    const line = record['line'];
    if (typeof line !== 'number') return;
    if (record['uncertain'] === true) state.reportedUncertain.add(line);
    else if (record['ok'] === true) {
      state.done.add(line);
      state.failed.delete(line);
    } else if (record['ok'] === false) {
      state.done.add(line);
      state.failed.set(line, exitCodeOf(record));
    }
  });
  let first = true;
  let damage: string | undefined;
  await eachRecord(journalPath, (record) => {
    if (first && record['journal'] === JOURNAL_KIND) {
      if (record['check'] === headerCheck(record)) state.header = record as unknown as JournalHeader;
      else damage = 'its header does not match its checksum';
    } else if (typeof record['line'] === 'number' && record['sending'] === true) state.sent.add(record['line']);
    first = false;
  }, () => {
    // The first line is the header; one that is not JSON at all is damage too.
    if (first) damage ??= 'its first line is not a journal header';
    first = false;
  });
  // A journal that exists always starts with its header (written before any mark).
  if (existsSync(journalPath)) {
    if (!state.header) damage ??= sizeOf(journalPath) === 0 ? 'it is empty' : 'it has no journal header';
    const unmarked = state.done.firstNotIn(state.sent);
    if (unmarked !== undefined) damage ??= `line ${unmarked} has a result but no "sending" mark`;
  }
  if (damage) {
    throw new UsageError(
      `--resume: ${journalPath} is damaged (${damage}), so which calls were sent cannot be told: check on the server which lines were done, then start over with another --results file (or restore the journal)`,
      'E_JOURNAL_DAMAGED',
    );
  }
  return state;
}

/** The exit code a failed result stands for, from its status and error code. */
function exitCodeOf(record: Record<string, unknown>): number {
  const { status, code } = record;
  if (typeof status === 'number') return status >= 500 ? ExitCode.http5xx : status >= 400 ? ExitCode.http4xx : ExitCode.unexpected;
  if (code === 'E_UNEXPECTED') return ExitCode.unexpected;
  return typeof code === 'string' && /TIMEOUT|MAX_TIME/.test(code) ? ExitCode.timeout : ExitCode.network;
}

async function eachRecord(path: string, onRecord: (record: Record<string, unknown>) => void, onUnreadable?: () => void): Promise<void> {
  if (!existsSync(path)) return;
  try {
    for await (const lines of readLines(fileStream(path))) {
      for (const { text } of lines) {
        if (!text) continue;
        const read = readJson(text);
        if (read.ok && typeof read.value === 'object' && read.value !== null) onRecord(read.value as Record<string, unknown>);
        else onUnreadable?.();
      }
    }
  } catch (error) {
    throw new UsageError(`--resume: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'E_RESULTS_READ');
  }
}

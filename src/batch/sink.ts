// Where result records go: appended to the --results file (with the journal's "sending" marks),
// or written to stdout, pausing new calls while stdout cannot keep up. Records that arrive in the
// same turn of the event loop go out in one write. A write that fails (stdout closed, disk full)
// is reported once through onFailure, and the records after it are counted as lost.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { describeWriteError } from '../files/write-error.js';
import type { BatchRecord } from './journal.js';

export interface ResultSink {
  /** Records that lines are about to be sent; done (in the file) when it returns. Returns why it failed, if it did. */
  sending(lines: readonly number[]): string | undefined;
  write(records: string): void;
  /** A promise while the output is backed up, else undefined. */
  room(): Promise<void> | undefined;
  /** Writes what is pending now. */
  flush(): void;
  /** Result records that could not be written. */
  lost(): number;
}

type OnFailure = (why: string) => void;

export function fileSink(record: BatchRecord, resultsPath: string, onFailure: OnFailure): ResultSink {
  const output = new FailingOutput(onFailure);
  const buffer = new TurnBuffer((text) => output.attempt(text, () => record.results(text), (error) => `cannot write the results to ${resultsPath}: ${describeWriteError(error)}`));
  return {
    sending: (lines) => {
      try {
        record.sending(lines);
        return undefined;
      } catch (error) {
        return `cannot write the journal ${resultsPath}.journal: ${describeWriteError(error as NodeJS.ErrnoException)}`;
      }
    },
    write: (records) => buffer.add(records),
    room: () => undefined,
    flush: () => buffer.flush(),
    lost: () => output.lost,
  };
}

/** `around`: how a write is made; on a terminal that also shows the progress bar, above the bar. */
export function streamSink(stream: Writable, onFailure: OnFailure, around: (write: () => void) => void = (write) => write()): ResultSink {
  const output = new FailingOutput(onFailure);
  let blocked: Promise<void> | undefined;
  // The CLI's stdout (src/cli/stdio.ts) would otherwise end the process at once: the batch reports it itself.
  (stream as unknown as Record<symbol, unknown>)[Symbol.for('oneoffice.reportsOutputFailure')] = true;
  stream.on('error', (error: NodeJS.ErrnoException) => output.fail(`cannot write the results to stdout: ${describeWriteError(error)}`));
  const buffer = new TurnBuffer((text) =>
    output.attempt(text, () => {
      let room = true;
      around(() => {
        room = stream.write(text);
      });
      if (!room && !blocked) {
        const unblock = () => {
          blocked = undefined;
        };
        // An error instead of 'drain' rejects: the 'error' listener above reports it.
        blocked = once(stream, 'drain').then(unblock, unblock);
      }
    }, (error) => `cannot write the results to stdout: ${describeWriteError(error)}`),
  );
  return {
    sending: () => undefined,
    write: (records) => buffer.add(records),
    room: () => (output.failed ? undefined : blocked),
    flush: () => buffer.flush(),
    lost: () => output.lost,
  };
}

/** After the first failure nothing more is written; what would have been is counted. */
class FailingOutput {
  failed = false;
  lost = 0;

  constructor(private readonly onFailure: OnFailure) {}

  attempt(text: string, write: () => void, why: (error: NodeJS.ErrnoException) => string): void {
    if (!this.failed) {
      try {
        write();
        return;
      } catch (error) {
        this.fail(why(error as NodeJS.ErrnoException));
      }
    }
    this.lost += countLines(text);
  }

  fail(why: string): void {
    if (this.failed) return;
    this.failed = true;
    this.onFailure(why);
  }
}

function countLines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** Collects text until the end of the current turn of the event loop. */
class TurnBuffer {
  private pending = '';
  private scheduled = false;

  constructor(private readonly out: (text: string) => void) {}

  add(text: string): void {
    this.pending += text;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.out(text);
  }
}

// Where result records go: appended to the --results file (with the journal's "sending" marks),
// or written to stdout, pausing new calls while stdout cannot keep up. Records that arrive in the
// same turn of the event loop go out in one write.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { BatchRecord } from './journal.js';

export interface ResultSink {
  /** Records that lines are about to be sent; done (in the file) when it returns. */
  sending(lines: readonly number[]): void;
  write(records: string): void;
  /** A promise while the output is backed up, else undefined. */
  room(): Promise<void> | undefined;
  /** Writes what is pending now. */
  flush(): void;
}

export function fileSink(record: BatchRecord): ResultSink {
  const buffer = new TurnBuffer((text) => record.results(text));
  return {
    sending: (lines) => record.sending(lines),
    write: (records) => buffer.add(records),
    room: () => undefined,
    flush: () => buffer.flush(),
  };
}

export function streamSink(stream: Writable): ResultSink {
  let blocked: Promise<void> | undefined;
  const buffer = new TurnBuffer((text) => {
    if (!stream.write(text) && !blocked) {
      blocked = once(stream, 'drain').then(() => {
        blocked = undefined;
      });
    }
  });
  return {
    sending: () => undefined,
    write: (records) => buffer.add(records),
    room: () => blocked,
    flush: () => buffer.flush(),
  };
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

// The input, line by line, in chunks: memory stays flat whatever the file size. Lines are
// yielded a chunk's worth at a time, which keeps the per-line cost of async iteration down.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface InputLine {
  /** 1-based, as an editor shows it. */
  number: number;
  /** Without its line break; null when the line is over MAX_LINE_BYTES (it is skipped, not kept). */
  text: string | null;
}

/** No call body may be larger than the server accepts (1 MiB), so no useful line is either. */
export const MAX_LINE_BYTES = 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

export function fileStream(path: string): Readable {
  return createReadStream(path, { highWaterMark: CHUNK_BYTES });
}

/**
 * Splits a byte stream into lines (\n or \r\n; a UTF-8 BOM at the start is dropped). `onChunk`
 * sees every chunk as read, e.g. to hash or spool it.
 */
export async function* readLines(source: AsyncIterable<Buffer | string>, onChunk?: (chunk: Buffer) => void): AsyncGenerator<InputLine[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let number = 0;
  const take = (tail: Buffer): InputLine => {
    number++;
    if (tooLong || pendingBytes + tail.length > MAX_LINE_BYTES) {
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      return { number, text: null };
    }
    const bytes = pending.length ? Buffer.concat([...pending, tail]) : tail;
    pending = [];
    pendingBytes = 0;
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (number === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    return { number, text };
  };
  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    onChunk?.(chunk);
    const lines: InputLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      lines.push(take(chunk.subarray(start, end)));
      start = end + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      // A line too long to be useful is dropped as it streams, so it cannot fill memory.
      if (tooLong || pendingBytes + rest.length > MAX_LINE_BYTES) {
        tooLong = true;
        pending = [];
        pendingBytes = 0;
      } else {
        // Copied, so that the rest of the chunk is not kept alive with it.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    if (lines.length) yield lines;
  }
  if (pendingBytes > 0 || tooLong) yield [take(Buffer.alloc(0))];
}

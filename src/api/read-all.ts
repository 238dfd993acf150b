// Bytes read whole, as text: a stream up to a bound (files and stdin given by the user, --params,
// -w @file, may be a device or a FIFO without end, /dev/zero, and must never be read without one),
// and the chunks of an answer's body, however a transport read them.
import type { Readable } from 'node:stream';

/**
 * The chunks as UTF-8 text, as Buffer.concat(...).toString('utf8') reads them, without either's
 * own functions: most answers come in one chunk, which needs no copy, and utf8Slice is what
 * toString('utf8') calls after looking the encoding up; Node compiles those functions from source on
 * the first call of every process (~0.1 ms of a single call).
 */
export function utf8Text(chunks: readonly Buffer[]): string {
  const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  return (whole as Buffer & { utf8Slice(start: number, end: number): string }).utf8Slice(0, whole.length);
}

/** The whole stream as text, or undefined as soon as it passes `limitBytes` (the rest is not read). */
export async function readAll(stream: Readable, limitBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limitBytes) {
      stream.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return utf8Text(chunks);
}

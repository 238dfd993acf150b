// A stream read whole, up to a bound: files and stdin given by the user (--params, -w @file) may
// be a device or a FIFO without end (/dev/zero), and must never be read without one.
import type { Readable } from 'node:stream';

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
  return Buffer.concat(chunks).toString('utf8');
}

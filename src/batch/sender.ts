// One call of a batch: sent with the retries that are safe for its method, its answer read
// whole (bounded) and turned into an Outcome. Never throws: every failure is an outcome.
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { NetworkSettings } from '../net-settings.js';
import type { CallRequest } from '../request.js';
import { withRetries } from '../retry.js';
import type { send as sendType } from '../transport.js';
import type { StopControl } from './gate.js';
import { answerOutcome, errorOutcome, MAX_BODY_BYTES, type Outcome } from './outcome.js';

export interface Sender {
  send: typeof sendType;
  dispatcher: Dispatcher;
}

export async function performCall(sender: Sender, call: CallRequest, network: NetworkSettings, onRetry: (message: string) => void, stop: StopControl): Promise<Outcome> {
  let attempts = 0;
  try {
    const response = await withRetries(
      () => {
        attempts++;
        return sender.send(call, sender.dispatcher, network);
      },
      { ...network.retry, onRetry, sleep: (ms) => pause(ms, stop) },
    );
    try {
      const { text, truncated } = await readBody(response.body, response.headers);
      return answerOutcome(response, text, truncated, attempts);
    } catch (error) {
      return errorOutcome(response.mapError(error), attempts);
    } finally {
      response.finish();
    }
  } catch (error) {
    return errorOutcome(error, attempts);
  }
}

/** A pause before a retry, cut short when the batch gives up on its calls (so the process can exit). */
function pause(ms: number, stop: StopControl): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unwatch();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unwatch = stop.onChange(() => {
      if (stop.abandon) done();
    });
  });
}

/** The body as text; past MAX_BODY_BYTES it is read to the end (so the connection stays usable) but not kept. */
async function readBody(body: Readable, headers: Record<string, string | string[] | undefined>): Promise<{ text: string; truncated: boolean }> {
  // The usual case, a small body of known length: undici's own reader is the fastest.
  const length = Number(headers['content-length']);
  if (length <= MAX_BODY_BYTES && isTextReadable(body)) return { text: await body.text(), truncated: false };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  const truncated = size > MAX_BODY_BYTES;
  return { text: truncated ? '' : Buffer.concat(chunks).toString('utf8'), truncated };
}

function isTextReadable(body: Readable): body is Readable & { text(): Promise<string> } {
  return typeof (body as { text?: unknown }).text === 'function';
}

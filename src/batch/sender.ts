// One call of a batch: sent with the retries that are safe for its method, its answer read
// whole (bounded) and turned into an Outcome. Never throws: every failure is an outcome.
import type { Dispatcher } from 'undici';
import type { NetworkSettings } from '../config/network.js';
import type { CallRequest } from '../api/request.js';
import { withRetries } from '../api/retry.js';
import type { sendWhole } from '../http/undici-transport.js';
import type { StopControl } from './gate.js';
import { answerOutcome, errorOutcome, MAX_BODY_BYTES, type Outcome } from './outcome.js';

export interface Sender {
  send: typeof sendWhole;
  dispatcher: Dispatcher;
}

export async function performCall(sender: Sender, call: CallRequest, network: NetworkSettings, onRetry: (message: string) => void, stop: StopControl): Promise<Outcome> {
  let attempts = 0;
  try {
    const response = await withRetries(
      () => {
        attempts++;
        return sender.send(call, sender.dispatcher, network, MAX_BODY_BYTES);
      },
      { ...network.retry, onRetry, sleep: (ms) => pause(ms, stop) },
    );
    return answerOutcome(response, response.text, response.truncated, attempts);
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

// One call of a batch, through the one executor (client/executor.ts): sent with the retries that
// are safe for its method, its answer read whole (bounded) and turned into an Outcome. Never
// throws: every failure is an outcome.
import type { JsonTextMask } from '../api/mask.js';
import type { CallRequest } from '../api/request.js';
import { executeWhole, type RetryPolicy } from '../client/executor.js';
import type { Throttle } from '../client/throttle.js';
import type { Transport } from '../http/transport.js';
import type { StopControl } from './gate.js';
import { answerOutcome, errorOutcome, MAX_BODY_BYTES, type Outcome } from './outcome.js';

/**
 * One call of a batch, read whole into an Outcome (a result record), never thrown. `throttle`: the
 * pace shared by every call of the batch; the gate took the first attempt's place in it. `secrets`:
 * the call's, masked in the server's message before it is cut to 200 characters.
 */
export async function sendBatchCall(transport: Transport, call: CallRequest, retry: RetryPolicy, onRetry: (message: string) => void, stop: StopControl, secrets: JsonTextMask, throttle?: Throttle): Promise<Outcome> {
  // A plain literal, the same shape for every call (conditional spreads cost a batch ~1 µs a call).
  const execution = await executeWhole(transport, call, MAX_BODY_BYTES, { retry, onRetry, onGiveUp: onRetry, sleep: (ms) => pause(ms, stop), throttle, admitted: throttle !== undefined, mask: (text) => secrets.mask(text) });
  const outcome = execution.kind === 'answer' ? answerOutcome(execution.head, execution.text, execution.answer, execution.attempts) : errorOutcome(execution.error, execution.attempts);
  outcome.seconds = execution.seconds;
  return outcome;
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

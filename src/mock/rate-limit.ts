// `oneoffice mock --rate-limit <calls/s>`: the rate limit of a marketplace API, so that batches and
// scripts can be tried against one. A token bucket as most APIs keep one: up to one second's worth
// of calls at once, refilled at the rate; a call beyond it is answered 429 with the whole seconds
// until a call would be accepted again (Retry-After), and does nothing.
import { monotonicMs } from '../api/clock.js';

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

export interface RateLimiter {
  take(): RateDecision;
}

/** `callsPerS` > 0; `now`: monotonic milliseconds (injected in tests). */
export function rateLimiter(callsPerS: number, now: () => number = monotonicMs): RateLimiter {
  const capacity = Math.max(1, callsPerS);
  let tokens = capacity;
  let last = now();
  return {
    take() {
      const at = now();
      tokens = Math.min(capacity, tokens + ((at - last) / 1000) * callsPerS);
      last = at;
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      // Retry-After is whole seconds (RFC 9110): at least 1, never 0 (a client would come back at once).
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / callsPerS)) };
    },
  };
}

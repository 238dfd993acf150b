// The clock of the mock's rate limit in tests that count 429s against a client pacing itself on its
// own timers. On a loaded machine a timer fires late and the client then catches up, by design, by
// up to 250 ms (CATCH_UP_MS in src/client/throttle.ts), and the mock's own loop may take a request up
// late: on the real clock either adds a 429 that no wrong behaviour caused. On this clock the bucket
// refills half as fast again as the rate it states in Retry-After, so a client that waits what it is
// told has a third of each wait to spare whatever the scheduling; one that does not wait (no shared
// pause, workers coming back together, no pace after it) still comes back at once and meets a 429.

/** Monotonic milliseconds running 1.5 times as fast as the real ones. */
export function hurriedClock(): () => number {
  const start = performance.now();
  return () => start + (performance.now() - start) * HURRY;
}

const HURRY = 1.5;

// The one monotonic clock for durations (-v timings, -w's time_*, step and batch times, the
// progress bar's rate). process.hrtime, not the `performance` global: the first touch of that
// loads node:perf_hooks and a dozen modules behind it, ~2 ms of a short process's start.

/** Milliseconds on a monotonic clock with an arbitrary origin: only differences mean anything. */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

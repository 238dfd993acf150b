// Waiting for something another process or server does (a log line, a file, a request), in one
// place: a poll that is bounded, so a wait that never ends fails naming what it waited for instead
// of hanging until the test's timeout with no hint. The bound is a ceiling for a broken test, not a
// speed expectation: a loaded machine only makes the wait longer, never makes it fail.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** How long to keep polling before failing; below vitest's 60 s test timeout so this message wins. */
  timeoutMs?: number;
  /** Pause between checks. */
  intervalMs?: number;
}

/** Resolves once `condition()` is true (or resolves true); throws "timed out waiting for <what>" past the bound. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, options: WaitOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 45000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

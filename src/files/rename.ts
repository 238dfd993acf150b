// Write-then-rename, the way to replace a file whole, fails on Windows while another process holds
// the target open (a virus scanner, an indexer, an editor): EPERM or EBUSY until it lets go. As
// `atomically` (under `conf`) does, the rename is retried with a growing pause, for a bounded total.
import { rename } from 'node:fs/promises';

const RETRIED_CODES = new Set(['EPERM', 'EBUSY']);
const FIRST_PAUSE_MS = 10;
const MAX_PAUSE_MS = 500;
/** The total pause before giving up (atomically's own bound). */
export const RENAME_GIVE_UP_MS = 7500;

export interface RenameDeps {
  rename: (from: string, to: string) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
}

const defaults: RenameDeps = { rename, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export async function renameWithRetry(from: string, to: string, deps: RenameDeps = defaults): Promise<void> {
  let waitedMs = 0;
  let pauseMs = FIRST_PAUSE_MS;
  for (;;) {
    try {
      await deps.rename(from, to);
      return;
    } catch (error) {
      if (!RETRIED_CODES.has((error as NodeJS.ErrnoException).code ?? '') || waitedMs >= RENAME_GIVE_UP_MS) throw error;
      const pause = Math.min(pauseMs, RENAME_GIVE_UP_MS - waitedMs);
      await deps.sleep(pause);
      waitedMs += pause;
      pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
    }
  }
}

// The progress bar of long runs (batch, test) on a terminal, as npm, docker or cargo draw theirs:
// `batch ████████░░░░░░░░░░░░░░░░ 856/3000  28% · 581/s · 3 failed · ETA 4s`. A pure function of the
// counts; progress-display.ts redraws it in place (\r) at a modest rate, only when stderr is a terminal.
// Our own few lines rather than cli-progress: requiring that takes ~80 ms on the reference machine,
// this costs nothing measurable (see the report of issue 14).

export interface ProgressFacts {
  label: string;
  done: number;
  total: number;
  failed: number;
  /** Calls completed per second so far. */
  rate: number;
  /** Width of the terminal; the line never wraps (a wrapped line cannot be redrawn in place). */
  columns: number;
  /** Seconds left of a pause the server asked for (Retry-After): said instead of the time left. */
  waitingS?: number;
  /** Answers 429 Too Many Requests so far (shown once there is one). */
  tooManyRequests?: number;
}

const BAR_WIDTH = 24;
const FULL = '█';
const EMPTY = '░';

export function progressLine(facts: ProgressFacts): string {
  const { label, done, total, failed, rate, columns } = facts;
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const count = `${done}/${total}`.padStart(2 * String(total).length + 1);
  const eta = facts.waitingS ? `waiting ${facts.waitingS} s (Retry-After)` : rate > 0 ? `ETA ${duration((total - done) / rate)}` : 'ETA --';
  const throttled = facts.tooManyRequests ? ` · ${facts.tooManyRequests} × 429` : '';
  const text = `${count} ${percent} · ${Math.round(rate)}/s · ${failed} failed${throttled} · ${eta}`;
  const room = columns - label.length - text.length - 3;
  if (room < 8) return `${label} ${text}`.slice(0, Math.max(0, columns - 1));
  const width = Math.min(BAR_WIDTH, room);
  const filled = Math.round(fraction * width);
  return `${label} ${FULL.repeat(filled)}${EMPTY.repeat(width - filled)} ${text}`;
}

export function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  if (hours) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  return minutes ? `${minutes}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

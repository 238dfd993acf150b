// The progress bar kept on a terminal's last line (batch, test): when it is drawn, taken away and
// drawn again, on a recorded stream with an injected clock.
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from '../../src/output/progress-display.js';
import { stepCount, StepProgress } from '../../src/scenario/progress.js';
import type { StepResult } from '../../src/scenario/runner.js';
import type { Scenario } from '../../src/scenario/format.js';

const ERASE = '\r\x1b[K';

function terminal(columns = 80) {
  const written: string[] = [];
  const stream = { columns, isTTY: true, write: (text: string) => written.push(text) > 0 } as unknown as Writable & { isTTY: boolean };
  return { stream, written };
}

function clock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

describe('ProgressDisplay', () => {
  it('draws the first update at once, then at most five times a second', () => {
    const { stream, written } = terminal();
    const time = clock();
    const display = new ProgressDisplay(stream, { enabled: true, label: 'test', total: 10, now: time.now });
    time.advance(1000);
    display.update({ done: 1, failed: 0 });
    time.advance(100);
    display.update({ done: 2, failed: 0 });
    time.advance(100);
    display.update({ done: 3, failed: 1 });
    expect(written).toEqual([
      `${ERASE}test ██░░░░░░░░░░░░░░░░░░░░░░  1/10  10% · 1/s · 0 failed · ETA 9s`,
      `${ERASE}test ███████░░░░░░░░░░░░░░░░░  3/10  30% · 3/s · 1 failed · ETA 3s`,
    ]);
  });

  it('redraws on its timer while nothing ends, so the rate and the time left move; at most five times a second', () => {
    const { stream, written } = terminal();
    const time = clock();
    const ticks: Array<() => void> = [];
    let stopped = 0;
    const every = (tick: () => void, ms: number) => {
      expect(ms).toBe(200);
      ticks.push(tick);
      return () => void stopped++;
    };
    const display = new ProgressDisplay(stream, { enabled: true, label: 'test', total: 10, now: time.now, every });
    time.advance(1000);
    display.update({ done: 2, failed: 0 });
    expect(ticks).toHaveLength(1);
    const tick = ticks[0] as () => void;
    time.advance(100);
    tick();
    time.advance(900);
    tick();
    time.advance(2000);
    tick();
    expect(written).toEqual([
      `${ERASE}test █████░░░░░░░░░░░░░░░░░░░  2/10  20% · 2/s · 0 failed · ETA 4s`,
      `${ERASE}test █████░░░░░░░░░░░░░░░░░░░  2/10  20% · 1/s · 0 failed · ETA 8s`,
      `${ERASE}test █████░░░░░░░░░░░░░░░░░░░  2/10  20% · 1/s · 0 failed · ETA 16s`,
    ]);
    display.clear();
    expect(stopped).toBe(1);
  });

  it('says "waiting N s (Retry-After)" while the server asked to wait, and counts its 429s', () => {
    const { stream, written } = terminal(100);
    const time = clock();
    let waitingMs = 2500;
    const display = new ProgressDisplay(stream, { enabled: true, label: 'batch', total: 10, now: time.now, every: () => () => undefined, pace: () => ({ waitingMs, tooManyRequests: 3 }) });
    time.advance(1000);
    display.update({ done: 4, failed: 0 });
    waitingMs = 0;
    time.advance(1000);
    display.update({ done: 5, failed: 0 });
    expect(written).toEqual([
      `${ERASE}batch ██████████░░░░░░░░░░░░░░  4/10  40% · 4/s · 0 failed · 3 × 429 · waiting 3 s (Retry-After)`,
      `${ERASE}batch ████████████░░░░░░░░░░░░  5/10  50% · 3/s · 0 failed · 3 × 429 · ETA 2s`,
    ]);
  });

  it('takes the bar away for output to the same terminal and draws it again after, with the latest counts', () => {
    const { stream, written } = terminal();
    const time = clock();
    const display = new ProgressDisplay(stream, { enabled: true, label: 'test', total: 4, now: time.now });
    time.advance(1000);
    display.update({ done: 1, failed: 0 });
    display.update({ done: 2, failed: 0 });
    written.length = 0;
    const order: string[] = [];
    display.above(() => order.push(`stdout while ${written.length} written`));
    expect(order).toEqual([`stdout while 1 written`]);
    expect(written).toEqual([ERASE, `${ERASE}test ████████████░░░░░░░░░░░░ 2/4  50% · 2/s · 0 failed · ETA 1s`]);
  });

  it('writes a note on a line of its own, the bar below it', () => {
    const { stream, written } = terminal();
    const display = new ProgressDisplay(stream, { enabled: true, label: 'batch', total: 2, now: () => 0 });
    display.update({ done: 1, failed: 1 });
    written.length = 0;
    display.note('oneoffice: warning: line 2: retrying');
    expect(written).toEqual([ERASE, 'oneoffice: warning: line 2: retrying\n', `${ERASE}batch ████████████░░░░░░░░░░░░ 1/2  50% · 0/s · 1 failed · ETA --`]);
  });

  it('erases only a bar that is shown, and draws nothing again after a clear until the next update', () => {
    const { stream, written } = terminal();
    const display = new ProgressDisplay(stream, { enabled: true, label: 'test', total: 2, now: () => 0 });
    display.clear();
    display.above(() => undefined);
    expect(written).toEqual([]);
    display.update({ done: 1, failed: 0 });
    display.clear();
    display.above(() => undefined);
    expect(written).toHaveLength(2);
    expect(written[1]).toBe(ERASE);
  });

  it('writes nothing at all when disabled', () => {
    const { stream, written } = terminal();
    const display = new ProgressDisplay(stream, { enabled: false, label: 'test', total: 2 });
    display.update({ done: 1, failed: 0 }, true);
    display.above(() => undefined);
    display.clear();
    expect(written).toEqual([]);
  });
});

describe('StepProgress', () => {
  const scenario = (steps: number) => ({ scenario: { steps: new Array(steps).fill({}) } as unknown as Scenario });
  const step = (outcome: StepResult['outcome']) => ({ outcome }) as StepResult;

  it('counts the steps of every scenario as the total', () => {
    expect(stepCount([scenario(3), scenario(0), scenario(4)])).toBe(7);
  });

  it('counts skipped steps as done, failed ones and those without an answer as failures', () => {
    const { stream, written } = terminal();
    const progress = new StepProgress(stream, { enabled: true, total: 4, now: () => 0 });
    for (const outcome of ['passed', 'failed', 'error', 'skipped'] as const) progress.step(step(outcome));
    expect([progress.done, progress.failed]).toEqual([4, 2]);
    expect(written[0]).toBe(`${ERASE}test ██████░░░░░░░░░░░░░░░░░░ 1/4  25% · 0/s · 0 failed · ETA --`);
  });

  it('writes stdout above the bar only when stdout is a terminal', () => {
    const err = terminal();
    const progress = new StepProgress(err.stream, { enabled: true, total: 2, now: () => 0 });
    progress.step(step('passed'));
    const tty = terminal();
    progress.writer(tty.stream)('  ✓ createUser  3 ms\n');
    expect(err.written.slice(1)).toEqual([ERASE, err.written[0]]);
    const pipe = terminal();
    pipe.stream.isTTY = false;
    progress.writer(pipe.stream)('.');
    expect(err.written).toHaveLength(3);
    expect(pipe.written).toEqual(['.']);
  });
});

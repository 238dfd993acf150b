// The progress bar's line, as a pure function of the counts.
import { describe, expect, it } from 'vitest';
import { duration, progressLine } from '../../src/output/progress-bar.js';

describe('progressLine', () => {
  it('draws the bar, done/total, percent, calls per second, failures and the time left', () => {
    expect(progressLine({ label: 'batch', done: 856, total: 3000, failed: 3, rate: 581.4, columns: 100 })).toBe('batch ███████░░░░░░░░░░░░░░░░░  856/3000  28% · 581/s · 3 failed · ETA 4s');
  });

  it('says the time left is not known before the first call completed', () => {
    expect(progressLine({ label: 'batch', done: 0, total: 10, failed: 0, rate: 0, columns: 80 })).toBe('batch ░░░░░░░░░░░░░░░░░░░░░░░░  0/10   0% · 0/s · 0 failed · ETA --');
  });

  it('is full at the end', () => {
    expect(progressLine({ label: 'batch', done: 10, total: 10, failed: 0, rate: 5, columns: 80 })).toBe('batch ████████████████████████ 10/10 100% · 5/s · 0 failed · ETA 0s');
  });

  it('narrows the bar on a narrow terminal and drops it rather than wrap', () => {
    const narrow = progressLine({ label: 'batch', done: 5, total: 10, failed: 0, rate: 5, columns: 54 });
    expect(narrow).toBe('batch █████░░░░░  5/10  50% · 5/s · 0 failed · ETA 1s');
    expect(narrow.length).toBeLessThan(54);
    const tiny = progressLine({ label: 'batch', done: 5, total: 10, failed: 0, rate: 5, columns: 30 });
    expect(tiny).toBe('batch  5/10  50% · 5/s · 0 fa');
    expect(tiny.length).toBeLessThan(30);
  });

  it('writes long times in minutes and hours', () => {
    expect(duration(59.6)).toBe('1m00s');
    expect(duration(3725)).toBe('1h02m');
  });
});

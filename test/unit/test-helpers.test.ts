// The shared test helpers keep their promises: a wait that never comes true fails naming what it
// waited for (rather than hanging the suite), and temporary files land under the run's directory.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { tempDir, tempFile } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

describe('waitFor', () => {
  it('resolves once the condition holds, sync or async', async () => {
    let calls = 0;
    await waitFor(() => ++calls >= 3, 'the third call', { intervalMs: 1 });
    expect(calls).toBe(3);
    await waitFor(async () => true, 'an async yes');
  });

  it('fails naming what it waited for when the condition never holds', async () => {
    await expect(waitFor(() => false, 'the mock to log "createUser 400"', { timeoutMs: 0 })).rejects.toThrow('timed out after 0 ms waiting for the mock to log "createUser 400"');
  });
});

describe('tempDir and tempFile', () => {
  it('make fresh paths under the run\'s temporary directory, named by their prefix', () => {
    const dir = tempDir('helpers');
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(dir).toMatch(/oneoffice-helpers-[^/\\]+$/);
    expect(tempDir('helpers')).not.toBe(dir);
    const file = tempFile('helpers', 'format.txt', 'x=%{http_code}');
    expect(readFileSync(file, 'utf8')).toBe('x=%{http_code}');
  });
});

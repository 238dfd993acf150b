// Issue 13, for batch, in this process through main(argv, deps): --resume counts earlier failures
// and --retry-failed sends them again; the journal knows its target and input, and a damaged one is
// refused. Against a recording server on 127.0.0.1 whose answers the test scripts. What needs a
// process (locks, kills, broken pipes) is in test/e2e/batch-hardening.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { jsonResponder, useRecordingServer, type Received } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const TOKEN = 'batch-hardening-token-0123456789';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

const userLines = (prefix: string, count: number): string => Array.from({ length: count }, (_, i) => `${JSON.stringify({ method: 'createUser', params: { email: `${prefix}${i + 1}@example.com` } })}\n`).join('');

/** A temporary directory with an input of `count` createUser lines, and where its results go. */
function batchFiles(prefix: string, count: number): { input: string; results: string } {
  const dir = tempDir('batch-resume');
  const input = join(dir, 'in.ndjson');
  writeFileSync(input, userLines(prefix, count));
  return { input, results: join(dir, 'r.ndjson') };
}

function emailOf(request: Received): string {
  return (JSON.parse(request.body) as { params: { email: string } }).params.email;
}

function batch(args: string[], env = rec.env) {
  return runMain(['batch', ...args], env);
}

describe('item 3: --resume counts earlier failures; --retry-failed sends them again', () => {
  it('failed lines count in the summary and exit code of a resume; --retry-failed sends exactly those, never the uncertain ones', async () => {
    const { input, results } = batchFiles('failed', 10);
    const failing = new Set(['failed3@example.com', 'failed7@example.com']);
    rec.server.respond((request, res) => (failing.has(emailOf(request)) ? jsonResponder(503, 'try later') : jsonResponder(200, { ok: true }))(request, res));
    const first = await batch([input, '--results', results, '--concurrency', '1', '--retry', '0']);
    expect(first.code).toBe(5);

    const resumed = await batch([input, '--results', results, '--resume']);
    expect(resumed.code).toBe(5);
    expect(resumed.stderr).toBe(`batch: 0 calls in ${/in (\d+\.\d) s/.exec(resumed.stderr)?.[1]} s; 10 lines skipped (results from before, 2 of them failed: not sent again (--retry-failed would)); results in ${results}\n`);
    expect(rec.server.received).toHaveLength(10);

    // Line 10 becomes uncertain: as if killed after it was sent, before its answer was written.
    const written = readFileSync(results, 'utf8').split('\n').filter(Boolean);
    expect(JSON.parse(written.at(-1) as string)).toMatchObject({ line: 10, ok: true });
    writeFileSync(results, `${written.slice(0, -1).join('\n')}\n`);
    rec.server.received.length = 0;
    rec.server.respond(jsonResponder(200, { ok: true }));
    const retried = await batch([input, '--results', results, '--resume', '--retry-failed']);
    expect(rec.server.received.map(emailOf).sort()).toEqual(['failed3@example.com', 'failed7@example.com']);
    expect(retried.code).toBe(6);
    expect(retried.stderr).toMatch(/^batch: 2 calls in .*: 2 ok; 7 lines skipped \(results from before\); 1 uncertain \(line 10\)/);

    // Now every line but the uncertain one has succeeded.
    const again = await batch([input, '--results', results, '--resume']);
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('9 lines skipped (results from before); 1 uncertain (line 10)');
    expect(rec.server.received).toHaveLength(2);
  });

  it('--retry-failed needs --resume', async () => {
    const result = await batch(['in.ndjson', '--retry-failed']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --retry-failed goes with --resume\n' });
  });
});

describe('item 5: the journal knows its target and input, and a damaged one is refused', () => {
  async function finishedBatch(prefix: string, count: number): Promise<{ input: string; results: string }> {
    const { input, results } = batchFiles(prefix, count);
    expect((await batch([input, '--results', results, '--concurrency', '1'])).code).toBe(0);
    rec.server.received.length = 0;
    return { input, results };
  }

  it('resuming with another --url is refused (exit 2) and sends nothing', async () => {
    const { input, results } = await finishedBatch('target', 3);
    const other = `http://127.0.0.1:${rec.server.port}/other`;
    const result = await batch([input, '--results', results, '--resume', '--url', other]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `oneoffice: --resume: ${results} was written for calls to ${rec.server.url}, not ${other}: resume with that URL (--url, or the profile that has it), or start over with another --results file\n`,
    });
    expect(rec.server.received).toHaveLength(0);
  });

  it('a journal header edited to fit other input is refused (exit 2) and nothing is sent', async () => {
    const { input, results } = await finishedBatch('edited', 3);
    writeFileSync(input, userLines('edited-other', 3));
    const { createHash } = await import('node:crypto');
    const [header, ...marks] = readFileSync(`${results}.journal`, 'utf8').split('\n');
    const forged = { ...(JSON.parse(header as string) as Record<string, unknown>), sha256: createHash('sha256').update(readFileSync(input)).digest('hex') };
    writeFileSync(`${results}.journal`, [JSON.stringify(forged), ...marks].join('\n'));
    const result = await batch([input, '--results', results, '--resume']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `oneoffice: --resume: ${results}.journal is damaged (its header does not match its checksum), so which calls were sent cannot be told: check on the server which lines were done, then start over with another --results file (or restore the journal)\n`,
    );
    expect(rec.server.received).toHaveLength(0);
  });

  it('a garbled journal header is refused (exit 2)', async () => {
    const { input, results } = await finishedBatch('garbled', 2);
    const text = readFileSync(`${results}.journal`, 'utf8');
    writeFileSync(`${results}.journal`, `#${text.slice(1)}`);
    const result = await batch([input, '--results', results, '--resume']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is damaged (its first line is not a journal header)');
    expect(rec.server.received).toHaveLength(0);
  });

  it('a journal cut back to its header while results exist is refused', async () => {
    const { input, results } = await finishedBatch('cut', 3);
    const [header] = readFileSync(`${results}.journal`, 'utf8').split('\n');
    writeFileSync(`${results}.journal`, `${header}\n`);
    const result = await batch([input, '--results', results, '--resume']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is damaged (line 1 has a result but no "sending" mark)');
  });
});

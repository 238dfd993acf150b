// `oneoffice batch` as a process against the mock server (started in this process): the whole
// documented lifecycle with its exit code, and stdin. The rest of batch's sending runs in-process
// (test/unit/batch-sending.test.ts), as do its help, usage errors and input checks
// (test/unit/batch-usage.test.ts).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BATCH_TOKEN, createUsers, DUPLICATE, inputLine, records, TIMING, useBatchBench } from '../helpers/batch.js';
import { runCli, type RunResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const bench = useBatchBench('batch-e2e');
const { file } = bench;
const line = inputLine;
const users = createUsers;

function batch(args: string[], options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  const env = options.env ?? bench.env();
  return runCli(['batch', ...args], { env, timeoutMs: options.timeoutMs ?? 20000, ...(options.input !== undefined ? { input: options.input } : {}) });
}

describe('sending', () => {
  it('runs the documented lifecycle from NDJSON, one result record per line', async () => {
    const input = file('lifecycle.ndjson', [
      '# the documented lifecycle, in order',
      line('createCustomer', { id: 'LC1', name: 'ABC Company', admin: { email: 'lc-admin@example.com', phone: '111111111', displayName: 'Isa Aswath' } }),
      line('createFirstOrder', { customer: 'LC1', id: 'LC-ORD1', product: 'oo-lite', licenses: 20, duration: 'monthly' }),
      '',
      line('createRenewalOrder', { parent: 'LC-ORD1', id: 'LC-ORD2' }),
      line('createUser', { email: 'lc-user@example.com', displayName: 'New User' }),
      line('updateUserByEmail', { email: 'lc-user@example.com', isActive: false }),
      line('getUserByEmail', { email: 'lc-user@example.com' }),
      line('createUser', { email: 'lc-user@example.com' }),
      '',
    ].join('\n'));
    const result = await batch([input, '--concurrency', '1']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(new RegExp(`^batch: 7 calls ${TIMING}: 6 ok, 1 failed \\(1 HTTP 4xx\\)\n$`));
    const results = records(result.stdout);
    expect(results.map((r) => [r['line'], r['method'], r['status'], r['ok']])).toEqual([
      [2, 'createCustomer', 200, true],
      [3, 'createFirstOrder', 200, true],
      [5, 'createRenewalOrder', 200, true],
      [6, 'createUser', 200, true],
      [7, 'updateUserByEmail', 200, true],
      [8, 'getUserByEmail', 200, true],
      [9, 'createUser', 400, false],
    ]);
    expect(results[0]!['body']).toMatchObject({ name: 'ABC Company', remoteId: 'LC1', admin: { email: 'lc-admin@example.com' } });
    expect(results[2]!['body']).toMatchObject({ id: 'LC-ORD2', type: 'renewal', parent: 'LC-ORD1', licenses: 20 });
    expect(results[5]!['body']).toMatchObject({ email: 'lc-user@example.com', isActive: false });
    expect(results[6]).toEqual({ line: 9, method: 'createUser', status: 400, ok: false, code: 'E_HTTP_4XX', error: DUPLICATE, body: DUPLICATE });
    expect(result.stdout).not.toContain(BATCH_TOKEN);
  });

  it('reads stdin (-), and removes its temporary copy', async () => {
    const tmp = tempDir('batch-tmp');
    const env = bench.env({ TMPDIR: tmp });
    const result = await batch(['-'], { input: `${users('stdin', 3).join('\n')}\n`, env });
    expect(result.code).toBe(0);
    expect(records(result.stdout).map((r) => [r['ok'], (r['body'] as Record<string, unknown>)['email']]).sort()).toEqual([
      [true, 'stdin1@example.com'], [true, 'stdin2@example.com'], [true, 'stdin3@example.com'],
    ]);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

// Secrets stay out of sight (issue 13, item 10), as a process: the stdin spool of a batch killed
// with kill -9 is not left in the temporary directory, and a batch record masks a token the server
// echoed with JSON escapes. The other secret rules run in this process:
// test/unit/secrets.test.ts.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'harden-secrets-token-0123456789-c0de';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

describe('files that hold secrets (item 10)', () => {
  it('the stdin spool of a batch is not left in the temporary directory after kill -9', async () => {
    const tmp = tempDir('spool');
    rec.server.respond(() => undefined); // never answers: the batch is mid-call when killed
    const child = spawn(process.execPath, [BIN, 'batch', '-'], { env: { ...rec.env, TMPDIR: tmp }, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.end(`${JSON.stringify({ method: 'resetPasswordByEmail', params: { email: 'a@b.co', password: 'spooled-password-1' } })}\n`);
    await waitFor(() => rec.server.received.length > 0, 'the batch to send its call');
    expect(rec.server.received).toHaveLength(1);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('a server that echoes the token with JSON escapes', () => {
  it('a batch’s result record masks it as it masks the token written plainly (the body is no longer copied as received)', async () => {
    // The same token, its first letter and its dashes written as \u escapes: the text as received does not show it.
    const escaped = `\\u0068${TOKEN.slice(1).replaceAll('-', '\\u002d')}`;
    rec.server.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"u1","echo":"${escaped}"}`);
    });
    const result = await runCli(['batch', '-'], { env: rec.env, input: `${JSON.stringify({ method: 'createUser', params: { email: 'a@b.co' } })}\n` });
    expect(result.code).toBe(0);
    expect(rec.server.received).toHaveLength(1);
    const record = result.stdout.split('\n').find((line) => line.startsWith('{')) ?? '';
    expect(JSON.parse(record)).toMatchObject({ line: 1, ok: true, body: { id: 'u1', echo: '****' } });
    expect(JSON.stringify(JSON.parse(record))).not.toContain(TOKEN);
  });
});

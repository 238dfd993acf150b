// Behaviour on a real terminal, through a pseudo-terminal made by util-linux `script`: the hidden
// token prompt, pretty, coloured JSON, and batch's progress bar.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { haveScript, onTerminal } from '../helpers/terminal.js';
import { inTurn, jsonResponder, useRecordingServer } from '../helpers/server.js';

const TOKEN = 'tty-secret-token-0123456789';
if (!haveScript) console.warn('SKIPPED: util-linux `script` is not installed; the terminal tests did not run');
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

describe.skipIf(!haveScript)('on a terminal', () => {
  it('config set bearer asks with a hidden prompt', async () => {
    const env = isolatedEnv();
    const result = await onTerminal(['config', 'set', 'bearer'], env, { 'API token:': `${TOKEN}\r` });
    expect(result.code).toBe(0);
    expect(result.output).toContain('API token:');
    expect(result.output).not.toContain(TOKEN);
    const config = JSON.parse(readFileSync(join(env['XDG_CONFIG_HOME']!, 'oneoffice', 'config.json'), 'utf8'));
    expect(config.profiles.default.bearer).toBe(TOKEN);
  });

  it('prints the body as pretty, coloured JSON', async () => {
    const result = await onTerminal(['getUserByEmail', '--email', 'a@b.co'], rec.env);
    expect(result.code).toBe(0);
    expect(result.output).toBe('{\r\n  \u001b[34m"ok"\u001b[39m: \u001b[33mtrue\u001b[39m\r\n}\r\n');
  });

  it('without colour when NO_COLOR is set', async () => {
    const result = await onTerminal(['getUserByEmail', '--email', 'a@b.co'], { ...rec.env, NO_COLOR: '1' });
    expect(result.output).toBe('{\r\n  "ok": true\r\n}\r\n');
  });

  it("batch draws a progress bar in place: done/total, percent, calls/s, failures, time left; cleared before the summary", async () => {
    const input = join(tmpdir(), `progress-${process.pid}.ndjson`);
    writeFileSync(input, ['a', 'b', 'c'].map((name) => JSON.stringify({ method: 'createUser', params: { email: `${name}@b.co` } })).join('\n'));
    rec.server.respond(inTurn(jsonResponder(400, 'duplicate'), jsonResponder(200, { ok: true })));
    const result = await onTerminal(['batch', input, '--concurrency', '1', '--results', join(tmpdir(), `progress-${process.pid}.results`)], { ...rec.env, NO_COLOR: '1' });
    expect(result.code).toBe(4);
    // The first completion is always drawn; later ones at most five times a second.
    expect(result.output).toMatch(/^\r\x1b\[Kbatch █{8}░{16} 1\/3  33% · \d+\/s · 1 failed · ETA \d+s/);
    expect(result.output).toMatch(/\r\x1b\[Kbatch: 3 calls in \d+\.\d s \(\d+\/s\): 2 ok, 1 failed \(1 HTTP 4xx\); results in .*\r\n$/);
  });

  it('batch draws no bar when stderr is not a terminal (stdout is)', async () => {
    const input = join(tmpdir(), `progress-pipe-${process.pid}.ndjson`);
    const stderrFile = join(tmpdir(), `progress-pipe-${process.pid}.stderr`);
    writeFileSync(input, JSON.stringify({ method: 'createUser', params: { email: 'a@b.co' } }));
    const result = await onTerminal(['batch', input, '--results', `${input}.results`], rec.env, {}, stderrFile);
    expect(result).toEqual({ code: 0, output: '' });
    expect(readFileSync(stderrFile, 'utf8')).toMatch(/^batch: 1 call in \d+\.\d s \(\d+\/s\): 1 ok; results in [^\r]*\n$/);
  });
});

// Behaviour on a real terminal, through a pseudo-terminal made by util-linux `script`: the hidden
// token prompt, pretty, coloured JSON, and the progress bars of batch and test.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { hurriedClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/temp.js';
import { haveScript, onTerminal, screen } from '../helpers/terminal.js';
import { inTurn, jsonResponder, useRecordingServer } from '../helpers/server.js';
import { startMockServer } from '../../src/mock/server.js';

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
    const dir = tempDir('progress');
    const input = join(dir, 'calls.ndjson');
    writeFileSync(input, ['a', 'b', 'c'].map((name) => JSON.stringify({ method: 'createUser', params: { email: `${name}@b.co` } })).join('\n'));
    rec.server.respond(inTurn(jsonResponder(400, 'duplicate'), jsonResponder(200, { ok: true })));
    const result = await onTerminal(['batch', input, '--concurrency', '1', '--results', join(dir, 'results.ndjson')], { ...rec.env, NO_COLOR: '1' });
    expect(result.code).toBe(4);
    // The first completion is always drawn; later ones at most five times a second.
    expect(result.output).toMatch(/^\r\x1b\[Kbatch █{8}░{16} 1\/3  33% · \d+\/s · 1 failed · ETA \d+s/);
    expect(result.output).toMatch(/\r\x1b\[Kbatch: 3 calls in \d+\.\d s \(\d+\/s\): 2 ok, 1 failed \(1 HTTP 4xx\); results in .*\r\n$/);
  });

  it('batch and test keep redrawing the bar while the server asked to wait, saying so and counting the 429s', async () => {
    // Half a call a second (on a hurried clock: helpers/clock.ts): the second call meets a 429 with
    // Retry-After: 2, a pause the timer redraws through. Batch and test each have their own mock and wait out their pauses side by side.
    const mocks = await Promise.all([startMockServer({ token: TOKEN, rateLimitPerS: 0.5, now: hurriedClock() }), startMockServer({ token: TOKEN, rateLimitPerS: 0.5, now: hurriedClock() })]);
    try {
      const env = (mock: { url: string }) => isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN, NO_COLOR: '1' });
      const dir = tempDir('progress-wait');
      const input = join(dir, 'calls.ndjson');
      writeFileSync(input, ['a', 'b'].map((name) => JSON.stringify({ method: 'createUser', params: { email: `${name}-wait@b.co` } })).join('\n'));
      const scenario = join(dir, 'steps.yml');
      writeFileSync(scenario, ['steps:', '  - call: createUser', '    params: { email: c-wait@b.co }', '  - call: createUser', '    params: { email: d-wait@b.co }', ''].join('\n'));
      const [batch, test] = await Promise.all([
        onTerminal(['batch', input, '--concurrency', '1', '--retry', '1', '--results', join(dir, 'results.ndjson')], env(mocks[0])),
        onTerminal(['test', scenario, '--retry', '1'], env(mocks[1])),
      ]);
      expect(batch.code).toBe(0);
      expect(batch.output).toMatch(/\r\x1b\[Kbatch .*1\/2 +50% · \d+\/s · 0 failed · 1 × 429 · waiting [12] s \(Retry-After\)/);
      expect(screen(batch.output)).toMatch(/batch: 2 calls in \d+\.\d s \(\d+\/s\): 2 ok; 1 answer 429 Too Many Requests \(all calls paused for the Retry-After, then paced, 0\.\d\/s at the end\); results in /);
      expect(test.code).toBe(0);
      expect(test.output).toMatch(/\r\x1b\[Ktest .*1\/2 +50% · \d+\/s · 0 failed · 1 × 429 · waiting [12] s \(Retry-After\)/);
      expect(screen(test.output)).not.toContain('waiting');
    } finally {
      await Promise.all(mocks.map((mock) => mock.close()));
    }
  });

  it('batch writes its results on stdout above the bar when stdout is the same terminal', async () => {
    const input = join(tempDir('progress-stdout'), 'calls.ndjson');
    writeFileSync(input, ['a', 'b'].map((name) => JSON.stringify({ method: 'createUser', params: { email: `${name}@b.co` } })).join('\n'));
    rec.server.respond(jsonResponder(200, { ok: true }));
    const result = await onTerminal(['batch', input, '--concurrency', '1'], { ...rec.env, NO_COLOR: '1' });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^\r\x1b\[Kbatch █{12}░{12} 1\/2  50% · \d+\/s · 0 failed · ETA \d+s\r\x1b\[K\{"line":1,/);
    // Every bar is erased (\r ESC[K) before anything else is written.
    expect(result.output).not.toMatch(/ETA [\dhms-]+(?![\dhms-]|\r\x1b\[K)/);
    const record = (line: number) => String.raw`\{"line":${line},"method":"createUser","status":200,"ok":true,[^\n]*\}`;
    expect(screen(result.output)).toMatch(new RegExp(String.raw`^${record(1)}\n${record(2)}\nbatch: 2 calls in \d+\.\d s \(\d+/s\): 2 ok\n$`));
  });

  it('batch draws no bar when stderr is not a terminal (stdout is)', async () => {
    const dir = tempDir('progress-pipe');
    const input = join(dir, 'calls.ndjson');
    const stderrFile = join(dir, 'stderr');
    writeFileSync(input, JSON.stringify({ method: 'createUser', params: { email: 'a@b.co' } }));
    const result = await onTerminal(['batch', input, '--results', `${input}.results`], rec.env, {}, { stderr: stderrFile });
    expect(result).toEqual({ code: 0, output: '' });
    expect(readFileSync(stderrFile, 'utf8')).toMatch(/^batch: 1 call in \d+\.\d s \(\d+\/s\): 1 ok; results in [^\r]*\n$/);
  });

  describe('test', () => {
    // Four steps: two pass, the third fails (a duplicate is refused with 400) and the fourth is
    // skipped. No retry-until, no expect.duration: nothing in it depends on time.
    const dir = tempDir('tty-test');
    const file = join(dir, 'steps.yml');
    writeFileSync(
      file,
      [
        'name: steps',
        'vars: { email: "tty-{{ run.id }}@example.com" }',
        'steps:',
        '  - { call: createUser, params: { email: "{{ email }}" } }',
        '  - { call: getUserByEmail, params: { email: "{{ email }}" } }',
        '  - { name: the duplicate, call: createUser, params: { email: "{{ email }}" } }',
        '  - { call: getUserByEmail, params: { email: "{{ email }}" } }',
        '',
      ].join('\n'),
    );
    const env = () => isolatedEnv({ NO_COLOR: '1' });
    /** What differs from run to run: times, the mock's port and token, the date, the run id. */
    const steady = (text: string) =>
      text
        .replace(/\d+ ms/g, 'N ms')
        .replace(/in \d+\.\d s/g, 'in N s')
        .replace(/127\.0\.0\.1:\d+/g, 'HOST')
        .replace(/date: .*/g, 'date: DATE')
        .replace(/x-api-key: .*/g, 'x-api-key: TOKEN')
        .replace(/tty-\w+@/g, 'tty-ID@');
    const bar = (done: number, failed: number, filled: number, total = 4) => new RegExp(String.raw`\r\x1b\[Ktest █{${filled}}░{${24 - filled}} ${done}/${total} +\d+% · \d+/s · ${failed} failed · ETA (\d+s|--)`);

    it('draws a bar of steps on stderr, above which the step lines go; the final screen is as without it', async () => {
      const result = await onTerminal(['test', file, '--mock'], env());
      expect(result.code).toBe(8);
      // The first step is always drawn, and the bar again after each line written above it, so the last shows every step.
      expect(result.output).toMatch(new RegExp(`^${bar(1, 0, 6).source}`));
      expect(result.output).toMatch(bar(4, 1, 24));
      // Every bar is erased (\r ESC[K) before anything else is written: no line starts after a bar.
      expect(result.output).not.toMatch(/ETA [\dhms-]+(?![\dhms-]|\r\x1b\[K)/);
      const shown = screen(result.output);
      expect(shown).not.toContain('test █');
      expect(shown.split('\n').slice(0, 6)).toEqual([
        `${file} (steps)`,
        expect.stringMatching(/^ {2}✓ createUser {2}\d+ ms$/),
        expect.stringMatching(/^ {2}✓ getUserByEmail {2}\d+ ms$/),
        expect.stringMatching(/^ {2}✗ the duplicate {2}\d+ ms$/),
        '  - getUserByEmail  skipped',
        '',
      ]);
      expect(shown).toMatch(/\n\nFAILED: 1 scenario, 4 steps: 2 passed, 1 failed, 1 skipped in \d+\.\d s\n$/);
      // Exactly what the same run shows with stderr elsewhere (no bar at all).
      const plain = await onTerminal(['test', file, '--mock'], env(), {}, { stderr: join(dir, 'plain.stderr') });
      expect(plain.output).not.toContain('\x1b');
      expect(steady(shown)).toBe(steady(plain.output.replace(/\r\n/g, '\n')));
    });

    it('draws no bar when stderr is not a terminal (stdout is)', async () => {
      const stderrFile = join(dir, 'piped.stderr');
      const result = await onTerminal(['test', file, '--mock'], env(), {}, { stderr: stderrFile });
      expect(result.code).toBe(8);
      expect(readFileSync(stderrFile, 'utf8')).toBe('');
      expect(result.output).not.toContain('test █');
      expect(result.output).toMatch(/^\S+ \(steps\)\r\n {2}✓ createUser {2}\d+ ms\r\n/);
    });

    it('draws the bar on the terminal while the dots go to a file, and leaves the terminal clean', async () => {
      const stdoutFile = join(dir, 'dots.stdout');
      const result = await onTerminal(['test', file, '--mock'], env(), {}, { stdout: stdoutFile });
      expect(result.code).toBe(8);
      expect(result.output).toMatch(new RegExp(`^${bar(1, 0, 6).source}`));
      expect(screen(result.output)).toBe('');
      const stdout = readFileSync(stdoutFile, 'utf8');
      expect(stdout).toMatch(/^\.\.FS\n\nFailures:\n/);
      expect(stdout).not.toContain('\x1b');
    });

    it('erases the bar when Ctrl-C stops the run, and exits 130', async () => {
      // The second step polls for a user that never comes (every 50 ms, for up to a minute): Ctrl-C comes first.
      const polling = join(dir, 'polling.yml');
      writeFileSync(
        polling,
        ['steps:', '  - { call: createUser, params: { email: "poll-{{ run.id }}@example.com" } }', '  - call: getUserByEmail', '    params: { email: never@example.com }', '    retry-until: { interval: 50, timeout: 60000 }', ''].join('\n'),
      );
      const result = await onTerminal(['test', polling, '--mock'], env(), { 'test █': '\x03' });
      expect(result.code).toBe(130);
      expect(result.output).toMatch(bar(1, 0, 12, 2));
      expect(screen(result.output).replace(/\^C/g, '')).not.toContain('test █');
    });

    it('draws no bar for a dry run', async () => {
      const result = await onTerminal(['test', file, '--dry-run'], env());
      expect(result).toEqual({ code: 0, output: '1 scenario, 4 steps checked; nothing was sent\r\n' });
    });
  });
});
